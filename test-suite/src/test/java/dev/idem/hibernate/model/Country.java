package dev.idem.hibernate.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An assigned id that is the key itself. */
@Entity
public class Country {
    @Id
    private String code;

    private String name;

    protected Country() {
    }

    public String getCode() {
        return code;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
