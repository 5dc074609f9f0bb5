package dev.idem.hibernate;

import dev.idem.spi.BoundValue;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.ModelPart;
import org.hibernate.metamodel.mapping.SelectableMapping;
import org.hibernate.type.descriptor.java.JavaType;

/**
 * Turns Hibernate's view of names and values into what Idem's core binds: unquoted identifiers, and
 * values that Hibernate's own binders write (an {@code AttributeConverter} applied, an enum as its
 * ordinal or name, a UUID as bytes where the column is binary, an instant in UTC).
 */
final class Jdbc {

    private Jdbc() {
    }

    /** One column and the JDBC value Hibernate would bind to it. */
    record Column(String name, Object value) {
    }

    /** The columns and JDBC values of {@code domainValue} as {@code part} maps it, formulas and non-insertable columns left out. */
    static List<Column> decompose(ModelPart part, Object domainValue, SharedSessionContractImplementor session) {
        List<Column> columns = new ArrayList<>();
        part.decompose(domainValue, (index, relational, selectable) -> {
            if (!selectable.isFormula() && selectable.isInsertable()) {
                columns.add(new Column(column(selectable), toJdbc(selectable.getJdbcMapping(), relational, session)));
            }
        }, session);
        return columns;
    }

    /** The column names {@code part} maps to, in order; formulas are refused, because nothing can be written to them. */
    static List<String> columns(ModelPart part, String what) {
        List<String> names = new ArrayList<>();
        part.forEachSelectable((index, selectable) -> {
            if (selectable.isFormula()) {
                throw new IllegalArgumentException(what + " is a formula, not a column: it cannot identify or link a row");
            }
            names.add(column(selectable));
        });
        return names;
    }

    static String column(SelectableMapping selectable) {
        return unquote(selectable.getSelectionExpression());
    }

    /**
     * A relational value (converters already applied) that binds itself with Hibernate's own binder for
     * its JDBC type, so it is written exactly as {@code persist} writes it: time zones, native UUID and
     * enum types included.
     */
    static Object toJdbc(JdbcMapping mapping, Object relational, SharedSessionContractImplementor session) {
        return relational == null ? null : new Bound(mapping, relational, session);
    }

    private record Bound(JdbcMapping mapping, Object value, SharedSessionContractImplementor session) implements BoundValue {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void bindTo(PreparedStatement statement, int index) throws SQLException {
            mapping.getJdbcValueBinder().bind(statement, value, index, session);
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    /** A value read by JDBC as the domain value of {@code mapping} (an id read back from a row, say). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object toDomain(JdbcMapping mapping, Object jdbcValue, SharedSessionContractImplementor session) {
        if (jdbcValue == null) {
            return null;
        }
        JavaType javaType = mapping.getJdbcJavaType();
        Object relational = javaType.wrap(jdbcValue, session);
        return mapping.convertToDomainValue(relational);
    }

    /**
     * A table or column name as the catalog stores it: Hibernate renders quoted names with the dialect's
     * quotes ({@code "x"}, {@code `x`} or {@code [x]}), and Idem quotes every name itself.
     */
    static String unquote(String name) {
        if (name.length() >= 2) {
            char first = name.charAt(0);
            char last = name.charAt(name.length() - 1);
            if (first == '"' && last == '"' || first == '`' && last == '`' || first == '[' && last == ']') {
                String inner = name.substring(1, name.length() - 1);
                return last == ']' ? inner.replace("]]", "]") : inner.replace(String.valueOf(last) + last, String.valueOf(last));
            }
        }
        return name;
    }

    /** A possibly qualified table name split into its parts, dots inside quotes left alone. */
    static List<String> qualifiedName(String name) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        char closing = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (closing == 0 && c == '.') {
                parts.add(unquote(part.toString()));
                part.setLength(0);
                continue;
            }
            if (closing == 0 && (c == '"' || c == '`' || c == '[')) {
                closing = c == '[' ? ']' : c;
            } else if (closing != 0 && c == closing) {
                closing = 0; // a doubled quote closes and reopens, which keeps the dot rule right
            }
            part.append(c);
        }
        parts.add(unquote(part.toString()));
        return parts;
    }
}
