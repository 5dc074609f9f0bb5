package dev.idem.lab.scenario.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The many-to-many race's tag: the other side of {@link LabImage#getTags()}. */
@Entity(name = "LabLinkTag")
@Table(name = "tag")
public class LabLinkTag {

    @Id
    private Long id;

    private String title;

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }
}
