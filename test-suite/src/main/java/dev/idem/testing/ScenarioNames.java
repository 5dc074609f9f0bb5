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
        int n = camelCase.length();
        for (int i = 0; i < n; i++) {
            char c = camelCase.charAt(i);
            if (c == '_') {
                out.append(' ');
                continue;
            }
            char previous = i > 0 ? camelCase.charAt(i - 1) : ' ';
            boolean nextLower = i + 1 < n && Character.isLowerCase(camelCase.charAt(i + 1));
            boolean upper = Character.isUpperCase(c);
            if (upper && (Character.isLowerCase(previous) || Character.isDigit(previous) || Character.isUpperCase(previous) && nextLower)) {
                out.append(' ');
            }
            // Acronyms (SQL) keep their case; capitalised words and a lone "A" do not.
            boolean nextUpper = i + 1 < n && Character.isUpperCase(camelCase.charAt(i + 1));
            boolean afterNextLower = i + 2 < n && Character.isLowerCase(camelCase.charAt(i + 2));
            boolean acronym = upper && !nextLower && (Character.isUpperCase(previous) || nextUpper && !afterNextLower);
            out.append(acronym ? c : Character.toLowerCase(c));
        }
        return out.toString();
    }
}
