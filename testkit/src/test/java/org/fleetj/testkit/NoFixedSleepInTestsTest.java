package org.fleetj.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's rule "no test decides by a fixed sleep", kept true: test code (every module's {@code src/test})
 * and test-support code ({@code testkit/src/main}) may not sleep or park a thread, except in the few places
 * listed in {@link #ALLOWED}, each with the reason it is pacing and not synchronisation. A test waits on the
 * condition with Awaitility ({@code await().until(...)}), and checks that nothing happens with
 * {@code await().during(window)}, the window named after the mechanism it guards.
 */
class NoFixedSleepInTestsTest {
    /** Sleeping or parking the current thread, however spelt. */
    private static final Pattern SLEEP = Pattern.compile(
            "Thread\\s*\\.\\s*sleep\\s*\\("
                    + "|\\b(?:NANOSECONDS|MICROSECONDS|MILLISECONDS|SECONDS|MINUTES|HOURS)\\s*\\.\\s*sleep\\s*\\("
                    + "|LockSupport\\s*\\.\\s*park"
                    + "|sleepUninterruptibly\\s*\\(");

    private record Allowed(int count, String why) {
    }

    /** Path (from the checkout) → how many sleeps it may hold, and why they are not synchronisation. */
    private static final Map<String, Allowed> ALLOWED = Map.of(
            "e2e/src/test/java/org/fleetj/e2e/chaos/SystemdSampler.java", new Allowed(1,
                    "the chaos sampler's background loop paces its look for a machine that is down; no result waits on it"),
            "e2e/src/test/java/org/fleetj/e2e/chaos/InvariantChecker.java", new Allowed(1,
                    "the checker's background loop paces its retries while etcd is unreachable; results wait on the pending count"),
            "testkit/src/main/java/org/fleetj/testkit/EtcdServer.java", new Allowed(1,
                    "its poll helper, used by awaitHealthy (/health answers) and pause() (every etcd thread stopped): real conditions; "
                            + "testkit has no dependencies by design, so no Awaitility"));

    @Test
    void noTestSourceSleepsOutsideTheAllowList() {
        Path repo = RepoRoot.find();
        Map<String, Integer> found = new TreeMap<>();
        for (Path file : testSources(repo)) {
            if (file.getFileName().toString().equals(NoFixedSleepInTestsTest.class.getSimpleName() + ".java")) continue; // its own examples
            int n = sleepsIn(file);
            if (n > 0) found.put(repo.relativize(file).toString().replace('\\', '/'), n);
        }
        List<String> wrong = new ArrayList<>();
        found.forEach((path, n) -> {
            Allowed a = ALLOWED.get(path);
            if (a == null) {
                wrong.add(path + ": " + n + " sleep(s); wait on the condition with Awaitility (a window for 'nothing happens' "
                        + "comes from the mechanism it guards), or add it to " + NoFixedSleepInTestsTest.class.getSimpleName()
                        + ".ALLOWED with the reason it is pacing, not synchronisation");
            } else if (n > a.count()) {
                wrong.add(path + ": " + n + " sleeps, " + a.count() + " allowed (" + a.why() + ")");
            }
        });
        ALLOWED.forEach((path, a) -> {
            if (found.getOrDefault(path, 0) < a.count()) {
                wrong.add(path + ": allowed " + a.count() + " sleep(s) but has " + found.getOrDefault(path, 0) + "; lower the allow-list");
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** The guard looks where it should: it sees the allowed sleeps (a scan of nothing would pass any tree). */
    @Test
    void theScanFindsTheAllowedSleepsAndEverySpelling() {
        Path repo = RepoRoot.find();
        assertTrue(testSources(repo).size() > 100, "test sources found under " + repo);
        for (var e : ALLOWED.entrySet()) assertEquals(e.getValue().count(), sleepsIn(repo.resolve(e.getKey())), e.getKey());
        for (String line : List.of("Thread.sleep(5);", "TimeUnit.MILLISECONDS.sleep(5);", "SECONDS.sleep(1);",
                "LockSupport.parkNanos(10);", "Uninterruptibles.sleepUninterruptibly(d);", "Thread . sleep (1)")) {
            assertTrue(SLEEP.matcher(line).find(), line);
        }
        for (String line : List.of("ExecStart=/bin/sleep 1000", "await().during(window)", "etcd.pause();", "sleep 0.1; done")) {
            assertTrue(!SLEEP.matcher(line).find(), line);
        }
    }

    private static List<Path> testSources(Path repo) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                addJava(module.resolve("src/test"), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        addJava(repo.resolve("testkit/src/main"), out);
        return out;
    }

    private static void addJava(Path dir, List<Path> out) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int sleepsIn(Path file) {
        try {
            Matcher m = SLEEP.matcher(Files.readString(file));
            int n = 0;
            while (m.find()) n++;
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
