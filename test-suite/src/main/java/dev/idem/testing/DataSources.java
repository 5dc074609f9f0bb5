package dev.idem.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Data sources the tests make: one that hands out what a function gives, or another's connections through a wrapper. */
public final class DataSources {

    /** Gives a connection. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /** Wraps, or prepares, a connection before it is handed out. */
    @FunctionalInterface
    public interface ConnectionWrapper {
        Connection wrap(Connection connection) throws SQLException;
    }

    private DataSources() {
    }

    /** {@code dataSource}'s connections, each passed through {@code wrapper}. */
    public static DataSource wrapping(DataSource dataSource, ConnectionWrapper wrapper) {
        return of(() -> wrapper.wrap(dataSource.getConnection()));
    }

    /** A data source whose {@code getConnection()} is {@code source}; connections for another user are not supported. */
    public static DataSource of(ConnectionSource source) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return source.get();
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                throw new SQLFeatureNotSupportedException("a test's data source connects as its one user");
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
