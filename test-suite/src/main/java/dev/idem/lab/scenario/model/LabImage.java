package dev.idem.lab.scenario.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.Set;

/** The many-to-many race's image, whose tags live in the {@code image_tags} join table. */
@Entity(name = "LabImage")
@Table(name = "image")
public class LabImage {

    @Id
    private Long id;

    private String title;

    @ManyToMany
    @JoinTable(name = "image_tags", joinColumns = @JoinColumn(name = "image_id"), inverseJoinColumns = @JoinColumn(name = "tag_id"))
    private Set<LabLinkTag> tags = new HashSet<>();

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }

    public Set<LabLinkTag> getTags() {
        return tags;
    }
}
