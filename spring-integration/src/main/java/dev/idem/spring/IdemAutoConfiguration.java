package dev.idem.spring;

import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration: with {@code idem-spring} on the class path, a {@link SpringIdem} on the
 * application's data source, a {@link SpringIdemSession} on its {@code EntityManagerFactory} when
 * {@code idem-hibernate} and Jakarta Persistence are there too, and an {@link IdemExceptionTranslator} for
 * {@code @Repository} beans. Each steps aside for a bean of the same type the application declares, and
 * for a data source or entity manager factory that is not the single candidate.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.jdbc.datasource.DataSourceUtils")
public class IdemAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    SpringIdem springIdem(DataSource dataSource) {
        return SpringIdem.of(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean
    static IdemExceptionTranslator idemExceptionTranslator() {
        return new IdemExceptionTranslator();
    }

    /** Only where the entity-level API and Spring's JPA support are on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.idem.hibernate.IdemSession", "jakarta.persistence.EntityManagerFactory",
            "org.springframework.orm.jpa.EntityManagerFactoryUtils"})
    static class Entities {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnSingleCandidate(EntityManagerFactory.class)
        SpringIdemSession springIdemSession(EntityManagerFactory entityManagerFactory) {
            return SpringIdemSession.of(entityManagerFactory);
        }
    }
}
