package org.fleetj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.fleetj.testkit.LocalClusterOptions;
import org.fleetj.testkit.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's headless Chromium against a real 2-machine cluster with TLS and access roles: a
 * read-write user submits a unit pinned to m2 through m1's dashboard, starts it by clicking, sees it turn active,
 * follows its journal (relayed from m2) as it grows, and stops it; a read-only user sees no buttons and gets 403
 * when forging a change. Screenshots of the main views land in target/screenshots (the README's are copies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private FleetCluster c;
    private SecureApi secure;
    private Machine m1;
    private Machine m2;

    @BeforeAll
    void boot() {
        // the local cluster's default API: TLS with access roles
        c = FleetCluster.up(2, LocalClusterOptions.defaults().metadata("m1", "role=web,disk=ssd").metadata("m2", "role=worker"));
        secure = SecureApi.of(c);
        m1 = c.machine("m1");
        m2 = c.machine("m2");
        String steady = c.unitFile("steady.service", "[Unit]\nDescription=always on\n[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n");
        c.fleetctl(secure.apiEnv(m1, secure.writeToken), "start", steady).ok();
    }

    @AfterAll
    void down() {
        if (c != null) c.close();
    }

    private WebDriver browser(String profile) {
        Path dir = Path.of("target", "chromium-" + profile + "-" + ProcessHandle.current().pid()).toAbsolutePath();
        SecureApi.deleteQuietly(dir);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + dir);
        // the cluster's own CA signed fleetd's certificate; this throw-away profile takes it without installing the CA
        o.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static WebDriverWait waiting(WebDriver d) {
        // on a timeout, say what the browser showed (an error page, a login, ...)
        return (WebDriverWait) new WebDriverWait(d, PATIENCE, Duration.ofMillis(100)).withMessage(() -> {
            String page = d.getPageSource();
            return "at " + d.getCurrentUrl() + ", the page was: " + (page.length() > 2000 ? page.substring(0, 2000) + "..." : page);
        });
    }

    private static WebElement row(WebDriver d, String unit) {
        return d.findElement(By.cssSelector("#units tr[data-unit='" + unit + "']"));
    }

    private static String cell(WebDriver d, String unit, String cls) {
        try {
            return row(d, unit).findElement(By.cssSelector("td." + cls)).getText();
        } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    private static void click(WebDriver d, String unit, String button) {
        waiting(d).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(x -> { row(x, unit).findElement(By.cssSelector("button." + button)).click(); return true; });
    }

    @Test
    void aWriterStartsAUnitByClickingFollowsItsJournalAndStopsIt() {
        WebDriver d = browser("writer");
        try {
            d.get(SecureApi.url(m1) + "/ui/#token=" + secure.writeToken);
            waiting(d).until(x -> x.findElement(By.id("role")).getText().equals("read-write"));
            waiting(d).until(x -> x.findElements(By.cssSelector("#machines tbody tr")).size() == 2);
            // submit, pinned to m2: m1's fleetd relays the journal from m2's
            d.findElement(By.id("submit-name")).sendKeys("ticker.service");
            new Select(d.findElement(By.id("submit-state"))).selectByValue("inactive");
            d.findElement(By.id("submit-file")).sendKeys("[Unit]\nDescription=ticks every half second\n[Service]\n"
                    + "ExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.5; done'\n[X-Fleet]\nMachineID=" + m2.machineId() + "\n");
            d.findElement(By.cssSelector("#submit button[type=submit]")).click();
            waiting(d).until(x -> cell(x, "ticker.service", "desired").equals("inactive"));

            click(d, "ticker.service", "start");
            waiting(d).until(x -> cell(x, "ticker.service", "current").equals("launched") && cell(x, "ticker.service", "systemd").startsWith("active"));
            assertEquals("active", c.activeState("m2", "ticker.service"), "systemd on m2 runs it");
            assertEquals(m2.machineId().substring(0, 8), cell(d, "ticker.service", "id"));
            screenshot(d, "dashboard.png");

            click(d, "ticker.service", "journal");
            waiting(d).until(x -> journalLines(x) >= 3);
            int seen = journalLines(d);
            waiting(d).until(x -> journalLines(x) >= seen + 3);
            assertTrue(d.findElement(By.id("journal")).getText().contains("m2 sh["), d.findElement(By.id("journal")).getText());
            screenshot(d, "dashboard-journal.png");
            d.findElement(By.id("show-file")).click();
            waiting(d).until(x -> x.findElement(By.id("unit-file")).getText().contains("MachineID=" + m2.machineId()));

            click(d, "ticker.service", "stop");
            waiting(d).until(x -> cell(x, "ticker.service", "desired").equals("loaded") && !cell(x, "ticker.service", "systemd").startsWith("active"));
            c.await("ticker stopped on m2", () -> !c.activeState("m2", "ticker.service").equals("active"));
            assertEquals(List.of(), c.runningOn("ticker.service"));
            // destroy asks once more: the first click arms the button, the second destroys (a re-render in between
            // shows an unarmed button again, so click until the row is gone)
            waiting(d).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(x -> {
                List<WebElement> rows = x.findElements(By.cssSelector("#units tr[data-unit='ticker.service']"));
                if (rows.isEmpty()) return true;
                rows.get(0).findElement(By.cssSelector("button.destroy")).click();
                return false;
            });
            assertTrue(c.fleetctl("list-unit-files", "--no-legend", "--fields", "unit").ok().lines().stream().noneMatch(l -> l.equals("ticker.service")),
                    "ticker.service is destroyed");

            // a unit no machine can take: the row says why, in the engine's own words (as fleetctl shows them)
            c.fleetctl(secure.apiEnv(m1, secure.writeToken), "start", "--no-block",
                    c.unitFile("nowhere.service", "[Service]\nExecStart=/bin/sleep 1000\n[X-Fleet]\nMachineMetadata=role=nowhere\n")).ok();
            c.await("the engine recorded why nowhere.service waits", () -> !reason("nowhere.service").isEmpty());
            String why = reason("nowhere.service");
            waiting(d).until(x -> cell(x, "nowhere.service", "waiting").equals(why));
            assertTrue(why.contains("role=nowhere"), why);
            // every machine shows the capacity it announced
            for (WebElement cap : d.findElements(By.cssSelector("#machines td.capacity"))) assertTrue(cap.getText().contains("CPU"), cap.getText());
        } finally {
            d.quit();
        }
    }

    /** The wait reason fleetctl shows for a unit (list-unit-files' reason field), "" while none is recorded. */
    private String reason(String unit) {
        return c.fleetctl(secure.apiEnv(m1, secure.readToken), "list-unit-files", "--no-legend", "--fields", "unit,reason").ok().lines().stream()
                .filter(l -> l.startsWith(unit + "\t")).map(l -> l.split("\t+", 2)[1]).filter(r -> !r.equals("-")).findFirst().orElse("");
    }

    private static int journalLines(WebDriver d) {
        String text = d.findElement(By.id("journal")).getText();
        return (int) text.lines().filter(l -> l.contains("tick ")).count();
    }

    @Test
    void aReadOnlyUserSeesNoButtonsAndGets403ForgingAChange() {
        WebDriver d = browser("reader");
        try {
            d.get(SecureApi.url(m2) + "/ui/#token=" + secure.readToken);
            waiting(d).until(x -> x.findElement(By.id("role")).getText().equals("read-only"));
            waiting(d).until(x -> cell(x, "steady.service", "current").equals("launched"));
            assertTrue(d.findElements(By.cssSelector("#units button.start, #units button.stop, #units button.destroy")).isEmpty(),
                    "no change buttons for a read-only user");
            assertFalse(d.findElement(By.id("submit-section")).isDisplayed(), "no submit form");
            assertEquals(1, d.findElements(By.cssSelector("#units tr[data-unit='steady.service'] button.journal")).size(), "journals are readable");
            screenshot(d, "dashboard-read-only.png");
            for (String method : List.of("PUT", "DELETE")) {
                Object status = ((JavascriptExecutor) d).executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                        + "fetch('/fleet/v1/units/steady.service', {method: arguments[0], headers: {'Authorization': 'Bearer '"
                        + " + sessionStorage.getItem('fleet-token'), 'Content-Type': 'application/json'},"
                        + " body: arguments[0] === 'PUT' ? JSON.stringify({desiredState: 'inactive'}) : undefined})"
                        + ".then(r => r.json().then(j => done(r.status + ' ' + j.error.message)), e => done('failed ' + e));", method);
                assertTrue(String.valueOf(status).startsWith("403 forbidden"), method + ": " + status);
            }
            assertEquals("launched", c.fleetctl(secure.apiEnv(m1, secure.readToken), "list-unit-files", "--no-legend", "--fields", "unit,dstate")
                    .ok().out().lines().filter(l -> l.startsWith("steady.service")).findFirst().orElse("").split("\t+")[1]);
            assertEquals(1, c.runningOn("steady.service").size(), "steady.service still runs");
        } finally {
            d.quit();
        }
    }

    private static void screenshot(WebDriver d, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Files.copy(((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
