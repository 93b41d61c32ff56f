package dev.nagare.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.nagare.broker.testing.Http;
import dev.nagare.broker.testing.TestBroker;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code ./test.sh} installs): every page loads without a browser console error, shows the API's figures, the
 * group page draws its lag charts, and the topic page browses records.
 */
class ConsoleTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How console.js writes a broker time: ISO-8601 in UTC to the second. */
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;
    @TempDir
    Path profile;

    @Test
    void groupPageShowsTheApisLagAndExpiryForecastAndDrawsTheCharts() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"))) {
            MetricsEndpointTest.groupWithKnownLag(broker);
            broker.broker().lagService().sampleNow();
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            JsonNode group = api(http, "/api/v1/groups/billing");
            ChromeDriver browser = chromium();
            try {
                open(browser, http, "/groups/billing");

                assertEquals("billing", text(browser, "#group-id"));
                assertEquals("Empty", text(browser, "#group-state"));
                assertEquals(group.get("status").asText(), text(browser, "h1 [data-field=status]"));
                assertEquals("12", text(browser, "#total-offset-lag"));
                assertEquals(group.get("totalOffsetLag").asText(), text(browser, "#total-offset-lag"));
                List<WebElement> rows = browser.findElements(By.cssSelector("#partition-lag tbody tr"));
                assertEquals(3, rows.size());
                for (int p = 0; p < 3; p++) {
                    JsonNode part = group.get("partitions").get(p);
                    WebElement row = rows.get(p);
                    assertEquals("orders", cell(row, "topic"));
                    assertEquals(part.get("partition").asText(), cell(row, "partition"));
                    assertEquals(part.get("committedOffset").asText(), cell(row, "committedOffset"));
                    assertEquals(part.get("logEndOffset").asText(), cell(row, "logEndOffset"));
                    assertEquals(part.get("offsetLag").asText(), cell(row, "offsetLag"));
                }
                assertEquals(List.of("7", "0", "5"), rows.stream().map(r -> cell(r, "offsetLag")).toList());
                WebElement topic = browser.findElement(By.cssSelector("#topic-lag tbody tr"));
                assertEquals("12", cell(topic, "sumOffsetLag"));
                assertEquals("7", cell(topic, "maxOffsetLag"));
                assertEquals(group.get("topics").get(0).get("status").asText(), cell(topic, "status"));
                assertEquals("OK", cell(topic, "status"), "the status per topic");
                assertEquals("not known yet", cell(topic, "estimatedMaxTimeLagSeconds"), "no consume rate yet");
                assertEquals("0.0 s", cell(rows.get(1), "estimatedTimeLagSeconds"), "no lag to drain");

                JsonNode expiry = group.get("expiry");
                assertEquals(UTC.format(Instant.ofEpochMilli(expiry.get("earliestExpiryMs").asLong())),
                        text(browser, "#expiry-at"));
                assertEquals("12", text(browser, "#expiry-skipped"));
                assertEquals("20", text(browser, "#expiry-processed"));
                assertEquals("8", text(browser, "#expiry-duplicates"));

                assertEquals(1, browser.findElements(By.cssSelector("#offset-lag-chart-orders canvas")).size(),
                        "uPlot draws the offset lag chart on a canvas");
                assertEquals(1, browser.findElements(By.cssSelector("#time-lag-chart-orders canvas")).size(),
                        "and the time lag chart");

                screenshot(browser, "console-group.png");
                assertNoConsoleErrors(browser, "/groups/billing");
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void overviewTopicAndGroupListPagesShowTheApisFigures() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "1"))) {
            MetricsEndpointTest.groupWithKnownLag(broker);
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            ChromeDriver browser = chromium();
            try {
                open(browser, http, "/");
                assertEquals("2", text(browser, "#topic-count"), "orders and __consumer_offsets");
                assertEquals(String.valueOf(api(http, "/api/v1/topics").size()), text(browser, "#topic-count"));
                assertEquals("1", text(browser, "#group-count"));
                assertNoConsoleErrors(browser, "/");

                open(browser, http, "/topics");
                assertEquals(List.of("__consumer_offsets", "orders"), browser.findElements(
                        By.cssSelector("#topics [data-field=name]")).stream().map(WebElement::getText).toList());
                assertNoConsoleErrors(browser, "/topics");

                open(browser, http, "/topics/orders");
                JsonNode partitions = api(http, "/api/v1/topics/orders/partitions");
                List<WebElement> rows = browser.findElements(By.cssSelector("#partitions tbody tr"));
                assertEquals(3, rows.size());
                for (int p = 0; p < 3; p++) {
                    assertEquals(partitions.get(p).get("logStartOffset").asText(), cell(rows.get(p), "logStartOffset"));
                    assertEquals(partitions.get(p).get("highWatermark").asText(), cell(rows.get(p), "highWatermark"));
                }
                assertEquals(List.of("10", "4", "6"), rows.stream().map(r -> cell(r, "highWatermark")).toList());
                assertNoConsoleErrors(browser, "/topics/orders");

                open(browser, http, "/groups");
                WebElement billing = browser.findElement(By.cssSelector("#groups tbody tr"));
                assertEquals("billing", cell(billing, "groupId"));
                assertEquals("Empty", cell(billing, "state"));
                assertEquals("OK", cell(billing, "status"));
                assertEquals("12", cell(billing, "totalOffsetLag"));
                assertNoConsoleErrors(browser, "/groups");
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void topicPageBrowsesTheProducedRecordsFromAChosenOffsetPageByPageAndKeepsItThroughRedraws() throws Exception {
        long t0 = 1_700_000_000_000L;
        try (TestBroker broker = TestBroker.start(dir)) {
            broker.createTopic("events", 2, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of("linger.ms", "60000"))) {
                JsonApiTest.produceOneBatch(producer, "events", 1, 0, 60, t0, 1001);
                producer.send(new ProducerRecord<>("events", 1, t0, null, new byte[] {0, 1, 2, (byte) 0xff}));
            }
            InetSocketAddress http = broker.broker().httpAddress().orElseThrow();
            ChromeDriver browser = chromium();
            try {
                open(browser, http, "/topics/events?refresh=1");
                awaitRecords(browser, "0:0");
                assertEquals(0, browser.findElements(By.cssSelector("#record-table tbody tr")).size(),
                        "partition 0 is empty");

                new Select(browser.findElement(By.id("records-partition"))).selectByValue("1");
                awaitRecords(browser, "1:0");
                WebElement offset = browser.findElement(By.id("records-offset"));
                offset.clear();
                offset.sendKeys("5");
                browser.findElement(By.id("records-show")).click();
                awaitRecords(browser, "1:5");
                assertRecords(browser, 5, 50);
                assertEquals("Offsets 5 to 54 of partition 1 · log start 0 · high watermark 61",
                        text(browser, "#records-status"));

                browser.findElement(By.id("records-next")).click();
                awaitRecords(browser, "1:55");
                assertRecords(browser, 55, 5);
                List<WebElement> rows = browser.findElements(By.cssSelector("#record-table tbody tr"));
                assertEquals(6, rows.size());
                assertEquals("60", cell(rows.get(5), "offset"));
                assertEquals("base64 AAEC/w==", cell(rows.get(5), "value"), "binary values show as base64");
                assertEquals("null", cell(rows.get(5), "key"));
                assertEquals("", cell(rows.get(5), "headers"));
                assertEquals("true", browser.findElement(By.id("records-next")).getAttribute("disabled"),
                        "the high watermark is reached");

                browser.findElement(By.id("records-prev")).click();
                awaitRecords(browser, "1:5");
                assertRecords(browser, 5, 50);

                int draws = Integer.parseInt(browser.findElement(By.tagName("body")).getAttribute("data-draws"));
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> Integer.parseInt(
                        b.findElement(By.tagName("body")).getAttribute("data-draws")) >= draws + 2);
                assertEquals("5", browser.findElement(By.id("records-offset")).getAttribute("value"),
                        "a redraw of the page keeps the browser's offset");
                assertEquals("1", new Select(browser.findElement(By.id("records-partition")))
                        .getFirstSelectedOption().getAttribute("value"));
                assertRecords(browser, 5, 50);

                screenshot(browser, "console-topic.png");
                assertNoConsoleErrors(browser, "/topics/events");
            } finally {
                browser.quit();
            }
        }
    }

    /** Waits until the record browser shows the page {@code partition:offset}. */
    private static void awaitRecords(ChromeDriver browser, String page) {
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(b -> page.equals(b.findElement(By.id("records")).getAttribute("data-shown")));
    }

    /** The record table starts with exactly the records produced at {@code first} … {@code first + count - 1}. */
    private static void assertRecords(ChromeDriver browser, int first, int count) {
        DateTimeFormatter millis = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
        List<WebElement> rows = browser.findElements(By.cssSelector("#record-table tbody tr"));
        assertTrue(rows.size() >= count, rows.size() + " rows");
        for (int i = 0; i < count; i++) {
            int n = first + i;
            WebElement row = rows.get(i);
            assertEquals(String.valueOf(n), cell(row, "offset"));
            assertEquals(millis.format(Instant.ofEpochMilli(1_700_000_000_000L + n * 1001L)), cell(row, "timestamp"));
            assertEquals("k" + n, cell(row, "key"));
            assertEquals("v" + n, cell(row, "value"));
            assertEquals("trace=t" + n, cell(row, "headers"));
        }
    }

    private static JsonNode api(InetSocketAddress http, String path) throws Exception {
        var r = Http.get(http, path);
        assertEquals(200, r.statusCode(), path + " answered " + r.body());
        return JSON.readTree(r.body());
    }

    /** Headless Chromium with a fresh profile, that phones nowhere; its console log is kept for the assertions. */
    private ChromeDriver chromium() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail(CHROMIUM + " and " + CHROMEDRIVER + " are needed: run ./test.sh, which installs the Debian packages "
                    + "chromium and chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1400", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Opens a page and waits until console.js has drawn it (or failed to). */
    private static void open(ChromeDriver browser, InetSocketAddress http, String path) {
        browser.get("http://127.0.0.1:" + http.getPort() + path);
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(b -> b.findElement(By.tagName("body")).getAttribute("data-loaded") != null);
        String loaded = browser.findElement(By.tagName("body")).getAttribute("data-loaded");
        if (!"true".equals(loaded)) {
            fail(path + " did not load: " + browser.findElements(By.id("error")).stream()
                    .map(WebElement::getText).toList());
        }
    }

    /** Saves what the browser shows as target/{@code name}. */
    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Path shot = Path.of("target", name);
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNoConsoleErrors(ChromeDriver browser, String page) {
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::toString).toList();
        assertEquals(List.of(), errors, "browser console errors on " + page);
    }

    private static String text(ChromeDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static String cell(WebElement row, String field) {
        return row.findElement(By.cssSelector("[data-field=" + field + "]")).getText();
    }
}
