package dev.idem.hibernate.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores an {@link Email} as "mailto:" plus the address, so that a missed conversion shows in the row. */
@Converter
public class EmailConverter implements AttributeConverter<Email, String> {
    @Override
    public String convertToDatabaseColumn(Email email) {
        return email == null ? null : "mailto:" + email.address();
    }

    @Override
    public Email convertToEntityAttribute(String column) {
        return column == null ? null : new Email(column.substring("mailto:".length()));
    }
}
