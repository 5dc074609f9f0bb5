package dev.idem.hibernate.model;

import jakarta.persistence.DiscriminatorValue;
import jakarta.persistence.Entity;

/** Another subclass sharing the {@code item} table with {@link Book}. */
@Entity
@DiscriminatorValue("magazine")
public class Magazine extends Item {
    private Integer issue;

    public Integer getIssue() {
        return issue;
    }

    public void setIssue(Integer issue) {
        this.issue = issue;
    }
}
