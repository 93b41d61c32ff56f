package dev.nagare.broker.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import dev.nagare.broker.Broker;
import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.ServerProperties;
import dev.nagare.broker.network.NetworkServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nagare}: the broker and its operator commands. */
@Command(name = "nagare", mixinStandardHelpOptions = true, version = "nagare 0.1.0",
        description = "A streaming broker that speaks the Apache Kafka protocol.",
        subcommands = {NagareCommand.Start.class, TopicsCommand.class, GroupsCommand.class, LagCommand.class})
public final class NagareCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("start")) {
            NetworkServer.prepareProcess();
            String[] startArgs = Arrays.copyOfRange(args, 1, args.length);
            Start plain = Start.parsePlain(startArgs);
            if (plain != null) {
                System.exit(plain.call());
            }
            // Only the start command's model: picocli reflects over every subcommand it is given, and the operator
            // commands' options cost a broker a third of its start-up time.
            CommandLine start = new CommandLine(new Start()).setCommandName("nagare start");
            System.exit(start.execute(startArgs));
        }
        CommandLine cli = new CommandLine(new NagareCommand());
        cli.setExecutionStrategy(parsed -> {
            if (parsed.subcommand() != null && parsed.subcommand().commandSpec().userObject() instanceof ClientCommand) {
                quietClientLogs();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(cli.execute(args));
    }

    /**
     * The operator commands print their own one-line errors; the Kafka clients' warnings (a refused connection,
     * retried every backoff) would bury them and the tables in log lines on stdout.
     */
    private static void quietClientLogs() {
        if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
            kafka.setLevel(Level.OFF);
        }
    }

    /** {@code nagare start [server.properties] [--override key=value]…}, as kafka-server-start.sh. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Runs a broker until SIGTERM or Ctrl-C. Kafka's server.properties keys and defaults.")
    static final class Start implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "server.properties",
                description = "A Kafka server.properties file.")
        Path propertiesFile;

        @Option(names = "--override", paramLabel = "key=value", description = "Overrides a property; repeatable.")
        List<String> overrides = new ArrayList<>();

        /**
         * The usual start lines — {@code [server.properties] [--override key=value | --override=key=value]…} — read
         * without picocli, whose reflection over this class (annotations, proxies, converters) took a fifth of a
         * broker's start-up. Anything else (help, version, an unknown or malformed option, a second file) gives
         * null: picocli parses it, and prints its usage and errors, from the annotations above.
         */
        static Start parsePlain(String[] args) {
            Start s = new Start();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--override") && i + 1 < args.length) {
                    s.overrides.add(args[++i]);
                } else if (a.startsWith("--override=")) {
                    s.overrides.add(a.substring("--override=".length()));
                } else if (!a.startsWith("-") && s.propertiesFile == null) {
                    s.propertiesFile = Path.of(a);
                } else {
                    return null;
                }
            }
            return s;
        }

        @Override
        public Integer call() throws Exception {
            BrokerConfig config;
            try {
                config = new BrokerConfig(ServerProperties.load(propertiesFile, overrides));
            } catch (ConfigException e) {
                System.err.println("nagare: configuration error: " + e.getMessage());
                return 2;
            }
            // Registered before the start, so that a SIGTERM arriving while the logs load still ends in a clean
            // close (registering it afterwards failed with "Shutdown in progress" and skipped the close).
            CompletableFuture<Broker> started = new CompletableFuture<>();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Broker b = started.join();
                if (b != null) {
                    b.close();
                }
            }, "nagare-shutdown"));
            Broker broker = null;
            try {
                broker = Broker.start(config, Time.SYSTEM);
            } catch (ConfigException e) {
                System.err.println("nagare: configuration error: " + e.getMessage());
                return 2;
            } finally {
                started.complete(broker); // null when the start failed: the hook has nothing to close
            }
            broker.awaitShutdown();
            return 0;
        }
    }
}
