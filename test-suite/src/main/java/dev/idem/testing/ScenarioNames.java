package dev.idem.testing;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names tests after the race they prove: {@code twoSessionsInsertSameKey} becomes
 * "two sessions insert same key". Registered in {@code junit-platform.properties}.
 */
public final class ScenarioNames extends DisplayNameGenerator.Standard {

    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return sentence(testMethod.getName());
    }

    static String sentence(String camelCase) {
        StringBuilder out = new StringBuilder(camelCase.length() + 8);
        for (int i = 0; i < camelCase.length(); i++) {
            char c = camelCase.charAt(i);
            boolean boundary = i > 0 && (Character.isUpperCase(c) && !Character.isUpperCase(camelCase.charAt(i - 1))
                    || Character.isDigit(c) && !Character.isDigit(camelCase.charAt(i - 1)));
            if (c == '_') {
                out.append(' ');
            } else {
                if (boundary) {
                    out.append(' ');
                }
                out.append(Character.isUpperCase(c) && (i + 1 >= camelCase.length() || !Character.isUpperCase(camelCase.charAt(i + 1)))
                        ? Character.toLowerCase(c) : c);
            }
        }
        return out.toString();
    }
}
