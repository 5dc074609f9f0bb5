package dev.idem.spring.app;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot application that tags images over HTTP, once per wiring: {@code POST /{wiring}/tag?image=1&title=urgent}. */
@SpringBootApplication
@EnableResilientMethods
public class TagApp {

    /** The endpoints: each calls the {@code @Transactional} service of its wiring. */
    @RestController
    public static class Endpoints {
        private final Map<String, Wirings.Tagging> wirings;

        Endpoints(Map<String, Wirings.Tagging> wirings) {
            this.wirings = wirings;
        }

        @PostMapping("/{wiring}/tag")
        public String tag(@PathVariable("wiring") String wiring, @RequestParam("image") long image, @RequestParam("title") String title) {
            return wirings.get(wiring).tag(image, title).body();
        }

        @PostMapping("/{wiring}/tag-then-fail")
        public String tagThenFail(@PathVariable("wiring") String wiring, @RequestParam("name") String name, @RequestParam("title") String title) {
            wirings.get(wiring).tagThenFail(name, title);
            return "unreachable";
        }

        /** A failed request answers 500 with the exception's class and message, for the tests to tell failures apart. */
        @ExceptionHandler(Exception.class)
        public ResponseEntity<String> failed(Exception e) {
            return ResponseEntity.internalServerError().body(e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
