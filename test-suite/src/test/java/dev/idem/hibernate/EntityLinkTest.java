package dev.idem.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.hibernate.model.Image;
import dev.idem.hibernate.model.Tag;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.TestDatabase;

/** addLink and removeLink on a @ManyToMany: one row, loaded collections in step, no duplicate insert at flush. */
class EntityLinkTest {

    private record Ids(long image, long tag) {
    }

    private static Ids imageAndTag(Lab lab) {
        return lab.inTransaction(s -> {
            Image image = new Image("cat.png");
            s.persist(image);
            Tag tag = new Tag("cat");
            s.persist(tag);
            return new Ids(image.getId(), tag.getId());
        });
    }

    @DatabaseTest
    void addLinkIsIdempotentAndLoadedCollectionsShowItWithoutADuplicateInsertAtFlush(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            Ids ids = imageAndTag(lab);
            lab.inTransaction(s -> {
                Image image = s.find(Image.class, ids.image());
                Tag tag = s.find(Tag.class, ids.tag());
                assertEquals(0, image.getTags().size()); // both sides loaded
                assertEquals(0, tag.getImages().size());
                IdemSession idem = IdemSession.of(s);
                assertTrue(idem.addLink(image, "tags", tag));
                assertFalse(idem.addLink(image, "tags", tag));
                assertTrue(image.getTags().contains(tag));
                assertTrue(tag.getImages().contains(image));
                long before = lab.statements();
                s.flush();
                assertEquals(0, lab.statements() - before, "the flush has nothing left to write");
                return null;
            });
            assertEquals(1, lab.count("select count(*) from image_tags"));
            lab.inTransaction(s -> {
                Image image = s.find(Image.class, ids.image());
                Tag tag = s.find(Tag.class, ids.tag());
                assertTrue(image.getTags().contains(tag));
                IdemSession idem = IdemSession.of(s);
                assertTrue(idem.removeLink(image, "tags", tag));
                assertFalse(idem.removeLink(image, "tags", tag));
                assertFalse(image.getTags().contains(tag));
                long before = lab.statements();
                s.flush();
                assertEquals(0, lab.statements() - before);
                return null;
            });
            assertEquals(0, lab.count("select count(*) from image_tags"));
        }
    }

    @DatabaseTest
    void pendingCollectionChangesAreFlushedBeforeTheLinkAndTheInverseSideLinksToo(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            Ids ids = imageAndTag(lab);
            lab.inTransaction(s -> {
                Image image = s.find(Image.class, ids.image());
                Tag other = new Tag("dog");
                s.persist(other);
                image.getTags().add(other); // pending, written by the flush Idem runs first
                Tag tag = s.find(Tag.class, ids.tag());
                assertTrue(IdemSession.of(s).addLink(tag, "images", image), "from the mappedBy side, the same join table");
                assertTrue(image.getTags().contains(tag) && image.getTags().contains(other));
                return null;
            });
            assertEquals(2, lab.count("select count(*) from image_tags"));
        }
    }

    @DatabaseTest
    void refusesAnAttributeThatIsNotManyToManyAndEntitiesItCannotKeepInStep(TestDatabase db) {
        try (Lab lab = new Lab(db)) {
            Ids ids = imageAndTag(lab);
            Image detached = lab.inTransaction(s -> s.find(Image.class, ids.image()));
            lab.inTransaction(s -> {
                IdemSession idem = IdemSession.of(s);
                Image image = s.find(Image.class, ids.image());
                Tag tag = s.find(Tag.class, ids.tag());
                IllegalArgumentException notLink = assertThrows(IllegalArgumentException.class, () -> idem.addLink(image, "name", tag));
                assertTrue(notLink.getMessage().contains("@ManyToMany"), notLink::getMessage);
                assertThrows(IllegalArgumentException.class, () -> idem.addLink(image, "nope", tag));
                IllegalArgumentException detachedOwner = assertThrows(IllegalArgumentException.class, () -> idem.addLink(detached, "tags", tag));
                assertTrue(detachedOwner.getMessage().contains("detached"), detachedOwner::getMessage);
                IllegalArgumentException transientOwner = assertThrows(IllegalArgumentException.class,
                        () -> idem.addLink(new Image("new.png"), "tags", tag));
                assertTrue(transientOwner.getMessage().contains("transient"), transientOwner::getMessage);
                assertThrows(IllegalArgumentException.class, () -> idem.addLink(image, "tags", new Tag("new")));
                return null;
            });
            assertEquals(0, lab.count("select count(*) from image_tags"));
        }
    }
}
