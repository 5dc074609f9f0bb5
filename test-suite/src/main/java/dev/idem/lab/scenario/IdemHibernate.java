package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.testing.Engine;
import java.util.List;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * What the {@code idem-hibernate} strategies share: a Hibernate transaction around each attempt, as a
 * JPA application's service method runs, with {@code IdemSession} inside it.
 */
final class IdemHibernate {

    private IdemHibernate() {
    }

    /** Hibernate always works in a transaction: the plain one of each database; IMMEDIATE on SQLite. */
    static List<Isolation> isolations(Engine engine) {
        return List.of(engine == Engine.SQLITE ? Isolation.IMMEDIATE : Isolation.defaultTransaction(engine));
    }

    /** Runs {@code work} in a new session and transaction on {@code factory}; commits, or rolls back on failure. */
    static <T> T inTransaction(SessionFactory factory, Function<Session, T> work) {
        try (Session session = factory.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }
}
