package dev.idem.spring.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.LinkTable;
import dev.idem.Operations;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.hibernate.GotEntity;
import dev.idem.spring.SpringIdem;
import dev.idem.spring.SpringIdemSession;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.SQLException;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ways an application wires Idem into a {@code @Transactional} service, each tagging an image: get or
 * create the tag by its title, then link the image to it. {@code tagThenFail} first writes an image of its
 * own, tags it, and then throws, so that the whole transaction must roll back.
 */
public final class Wirings {

    public static final Table TAG = Table.named("tag").key("title").generatedKey("id");
    public static final LinkTable IMAGE_TAGS = LinkTable.named("image_tags").columns("image_id", "tag_id");

    private Wirings() {
    }

    /** One wiring: a {@code @Transactional} service. */
    public interface Tagging {
        Tagged tag(long imageId, String title);

        void tagThenFail(String imageName, String title);
    }

    /** Writes its own image through the current EntityManager, for {@code tagThenFail}. */
    abstract static class Base implements Tagging {
        @PersistenceContext
        EntityManager entityManager;

        long newImage(String name) {
            Image image = new Image(name);
            entityManager.persist(image);
            entityManager.flush();
            return image.getId();
        }

        abstract Operations idem();

        @Override
        @Transactional
        public Tagged tag(long imageId, String title) {
            Got got = idem().getOrCreate(TAG, Values.of("title", title), Values.of("color", "red"));
            return new Tagged(got.longId(), got.created(), idem().addLink(IMAGE_TAGS, imageId, got.longId()));
        }

        @Override
        @Transactional
        public void tagThenFail(String imageName, String title) {
            long imageId = newImage(imageName);
            tag(imageId, title);
            throw new IllegalStateException("the request fails after Idem's work");
        }
    }

    /** The auto-configured SpringIdem bean. */
    @Service("jdbc")
    public static class SpringIdemBean extends Base {
        private final SpringIdem idem;

        SpringIdemBean(SpringIdem idem) {
            this.idem = idem;
        }

        @Override
        Operations idem() {
            return idem;
        }
    }

    /** SpringIdem made on a TransactionAwareDataSourceProxy of the application's data source. */
    @Service("proxy")
    public static class SpringIdemOnProxy extends Base {
        private final SpringIdem idem;

        SpringIdemOnProxy(DataSource dataSource) {
            this.idem = SpringIdem.of(new TransactionAwareDataSourceProxy(dataSource));
        }

        @Override
        Operations idem() {
            return idem;
        }
    }

    /** The core's Idem.create on a TransactionAwareDataSourceProxy: refused, since its connections carry the caller's transaction. */
    @Service("core-on-proxy")
    public static class CoreOnProxy extends Base {
        private final Idem idem;

        CoreOnProxy(DataSource dataSource) {
            this.idem = Idem.create(new TransactionAwareDataSourceProxy(dataSource));
        }

        @Override
        Operations idem() {
            return idem;
        }
    }

    /**
     * The core's Idem.create on the pool itself: a second pool connection per request, committed outside the
     * request's transaction. Each request first takes its transaction's connection and waits until as many
     * requests as the pool has connections hold theirs, so that they ask for their second ones together, as
     * they do under load, however the machine schedules them.
     */
    @Service("core-on-pool")
    public static class CoreOnPool extends Base {
        private final Idem idem;
        private final CyclicBarrier poolHeld;

        CoreOnPool(DataSource dataSource) throws SQLException {
            this.idem = Idem.create(dataSource);
            this.poolHeld = new CyclicBarrier(dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize());
        }

        @Override
        @Transactional
        public Tagged tag(long imageId, String title) {
            entityManager.createNativeQuery("select 1").getSingleResult(); // takes the transaction's connection now
            try {
                poolHeld.await(3, TimeUnit.SECONDS);
            } catch (BrokenBarrierException | TimeoutException e) {
                // fewer requests than connections are left: go on, as a request without the barrier would
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.tag(imageId, title);
        }

        @Override
        Operations idem() {
            return idem;
        }
    }

    /** The auto-configured SpringIdemSession, a singleton resolving the current EntityManager per call. */
    @Service("entity")
    public static class Entities extends Base {
        private final SpringIdemSession idem;

        Entities(SpringIdemSession idem) {
            this.idem = idem;
        }

        @Override
        Operations idem() {
            throw new UnsupportedOperationException();
        }

        @Override
        @Transactional
        public Tagged tag(long imageId, String title) {
            GotEntity<Tag> got = idem.getOrCreate(Tag.class, title, tag -> tag.setColor("red"));
            Image image = entityManager.find(Image.class, imageId);
            return new Tagged(got.entity().getId(), got.created(), idem.addLink(image, "tags", got.entity()));
        }
    }

    /** SpringIdem with no transaction: each call on a connection of its own, in auto-commit mode. */
    @Service("no-transaction")
    public static class NoTransaction implements Tagging {
        private final SpringIdem idem;

        NoTransaction(SpringIdem idem) {
            this.idem = idem;
        }

        @Override
        public Tagged tag(long imageId, String title) {
            Got got = idem.getOrCreate(TAG, Values.of("title", title), Values.of("color", "red"));
            return new Tagged(got.longId(), got.created(), idem.addLink(IMAGE_TAGS, imageId, got.longId()));
        }

        @Override
        public void tagThenFail(String imageName, String title) {
            throw new UnsupportedOperationException("nothing to roll back without a transaction");
        }
    }
}
