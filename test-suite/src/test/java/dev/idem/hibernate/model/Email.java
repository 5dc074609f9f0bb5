package dev.idem.hibernate.model;

import java.util.Locale;

/** A value type stored as a string through {@link EmailConverter}. */
public record Email(String address) {
    public Email {
        address = address.toLowerCase(Locale.ROOT);
    }
}
