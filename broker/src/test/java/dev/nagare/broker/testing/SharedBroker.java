package dev.nagare.broker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.nagare.storage.LogManager;

/**
 * One Nagare for every test of a class, with its data in a temporary directory of its own:
 * {@code @RegisterExtension static final SharedBroker shared = new SharedBroker();} starts it before the first test
 * and closes it, deleting the directory, after the last. Tests that restart a broker start their own instead.
 */
public final class SharedBroker implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private TestBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("nagare-shared");
        broker = TestBroker.start(dir.resolve("data"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (broker != null) {
            broker.close();
        }
        LogManager.deleteRecursively(dir);
    }

    public TestBroker broker() {
        return broker;
    }
}
