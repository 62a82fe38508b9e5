package org.fleetj.e2e.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one scenario measured (figures, printed as name=value) and the problems it found. */
final class Outcome {
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    void figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
    }

    void problem(String what) {
        problems.add(what);
        System.out.println("chaos: PROBLEM " + what);
    }

    /** Records a problem unless the condition holds. */
    void require(boolean condition, String what) {
        if (!condition) problem(what);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    String figures() {
        StringBuilder b = new StringBuilder();
        figures.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }
}
