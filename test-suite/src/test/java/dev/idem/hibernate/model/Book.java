package dev.idem.hibernate.model;

import jakarta.persistence.DiscriminatorValue;
import jakarta.persistence.Entity;

/** A subclass in the single-table hierarchy of {@link Item}. */
@Entity
@DiscriminatorValue("book")
public class Book extends Item {
    private Integer pages;

    public Integer getPages() {
        return pages;
    }

    public void setPages(Integer pages) {
        this.pages = pages;
    }
}
