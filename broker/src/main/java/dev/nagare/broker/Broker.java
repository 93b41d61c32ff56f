package dev.nagare.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.api.Apis;
import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.config.DynamicBrokerConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.console.ConsoleHandler;
import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.http.LagHistoryRoute;
import dev.nagare.broker.http.WebServer;
import dev.nagare.broker.lag.LagCalculator;
import dev.nagare.broker.lag.LagMonitor;
import dev.nagare.broker.lag.LagService;
import dev.nagare.broker.metadata.ClusterView;
import dev.nagare.broker.metadata.DynamicConfigFile;
import dev.nagare.broker.metrics.BrokerMetrics;
import dev.nagare.broker.metrics.LagServiceMetrics;
import dev.nagare.broker.metadata.NodeIdentity;
import dev.nagare.broker.metadata.ProducerIdAllocator;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.metadata.TopicRegistry;
import dev.nagare.broker.network.NetworkServer;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.LogConfig;
import dev.nagare.storage.LogManager;

/**
 * One Nagare node. Start-up order: identity and topics from the log directory → storage (recovering after a crash)
 * → partitions → api handlers → the listener. {@link #close()} stops in reverse: no new connections, then storage
 * flushes and writes its clean-shutdown marker, so the next start skips recovery.
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook while another thread waits in
 * {@link #awaitShutdown()}.
 */
public final class Broker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final LogManager logs;
    private final PartitionManager partitions;
    private final NetworkServer network;
    private final CoordinatorRuntime groups;
    private final LagMonitor lag;
    private final BrokerMetrics metrics;
    private final WebServer web;
    private final LagService lagService;
    private final InetSocketAddress boundAddress;
    private final ClusterView cluster;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private Broker(BrokerConfig config, LogManager logs, PartitionManager partitions, NetworkServer network,
                   CoordinatorRuntime groups,
                   LagMonitor lag, LagService lagService, BrokerMetrics metrics, WebServer web,
                   InetSocketAddress boundAddress,
                   ClusterView cluster) {
        this.config = config;
        this.logs = logs;
        this.partitions = partitions;
        this.network = network;
        this.groups = groups;
        this.lag = lag;
        this.metrics = metrics;
        this.web = web;
        this.lagService = lagService;
        this.boundAddress = boundAddress;
        this.cluster = cluster;
    }

    /** Starts a broker; returns once the listener accepts connections. */
    public static Broker start(BrokerConfig config, Time time) throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        if (!config.unknownKeys().isEmpty()) {
            log.warn("Unknown configuration keys, ignored: {}", String.join(", ", config.unknownKeys()));
        }
        if (!config.ignoredKafkaKeys().isEmpty()) {
            log.info("Kafka configuration keys without effect on a single Nagare node: {}",
                    String.join(", ", config.ignoredKafkaKeys()));
        }
        Path logDir = config.logDir().toAbsolutePath();
        Files.createDirectories(logDir);
        NodeIdentity identity = NodeIdentity.loadOrCreate(logDir, config.nodeId());
        TopicRegistry topics = new TopicRegistry(logDir);
        DynamicConfigFile.Layers dynamic = dynamicLayers(logDir, config);
        BrokerConfig current = config.withDynamic(dynamic.perBroker(), dynamic.clusterDefault());
        BrokerMetrics metrics = new BrokerMetrics();
        LogManager logs = LogManager.open(logDir, tp -> logConfigFor(topics, current, tp), time,
                config.retentionCheckIntervalMs(), current.cleanerConfig(), metrics.fsyncs());
        NetworkServer network = null;
        CoordinatorRuntime groups = null;
        WebServer web = null;
        LagService lagService = null;
        PartitionManager partitions = null;
        try {
            partitions = new PartitionManager(current, topics, logs);
            ProducerIdAllocator producerIds = new ProducerIdAllocator(logDir.resolve(TopicRegistry.METADATA_DIR));
            ClusterView cluster = new ClusterView(identity);
            groups = new CoordinatorRuntime(partitions, time);
            Apis apis = new Apis(cluster, partitions, producerIds, groups, time, metrics.traffic());
            BrokerConfig.Listener listener = config.listener();
            network = new NetworkServer(new NetworkServer.Settings(listener.host(), listener.port(),
                    config.socketRequestMaxBytes(), config.socketSendBufferBytes(), config.socketReceiveBufferBytes(),
                    Math.min(config.numNetworkThreads(), Runtime.getRuntime().availableProcessors()),
                    config.connectionsMaxIdleMs()), apis.handlers(), apis.versions(), metrics.network());
            InetSocketAddress bound = network.start();
            BrokerConfig.Listener advertised = config.advertisedListener();
            String host = advertised.host().isEmpty() ? defaultHost() : advertised.host();
            int port = advertised.port() == 0 || config.originalValue(BrokerConfig.ADVERTISED_LISTENERS) == null
                    ? bound.getPort() : advertised.port();
            cluster.endpoint(new ClusterView.Endpoint(host, port));
            groups.start();
            LagMonitor lag = new LagMonitor(groups, new LagCalculator(partitions, time));
            lagService = LagService.start(lag, logDir.resolve(TopicRegistry.METADATA_DIR), time);
            metrics.watch(partitions, lag);
            metrics.addLagExtension(new LagServiceMetrics(lagService));
            if (config.httpListener().isPresent()) {
                web = WebServer.start(config.httpListener().get(), metrics, partitions, lag, lagService,
                        new LagHistoryRoute(lagService, time));
                web.route("/", new ConsoleHandler());
            }
            log.info("Nagare node {} of cluster {} started in {} ms: {} topic(s), data in {}, advertised as {}:{}",
                    identity.nodeId(), identity.clusterId(), (System.nanoTime() - startNanos) / 1_000_000,
                    topics.all().size(), logDir, host, port);
            return new Broker(config, logs, partitions, network, groups, lag, lagService, metrics, web, bound, cluster);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (web != null) {
                web.close();
            }
            if (lagService != null) {
                lagService.close();
            }
            if (network != null) {
                network.close();
            }
            if (groups != null) {
                groups.close();
            }
            if (partitions != null) {
                partitions.close();
            }
            logs.close();
            throw e;
        }
    }

    /**
     * The stored dynamic broker configs, with the cluster-wide {@code min.insync.replicas} a Kafka 4.1 cluster has
     * from its first start (see {@link DynamicBrokerConfig#elrSafeClusterDefaults}) added and saved once.
     */
    private static DynamicConfigFile.Layers dynamicLayers(Path logDir, BrokerConfig config) throws IOException {
        DynamicConfigFile.Layers dynamic = DynamicConfigFile.load(logDir);
        Map<String, String> elrSafe = DynamicBrokerConfig.elrSafeClusterDefaults(dynamic.clusterDefault(), config);
        if (elrSafe == null) {
            return dynamic;
        }
        Map<String, String> perBroker = new HashMap<>(dynamic.perBroker());
        perBroker.remove(BrokerConfig.MIN_INSYNC_REPLICAS);
        DynamicConfigFile.Layers seeded = new DynamicConfigFile.Layers(perBroker, elrSafe);
        DynamicConfigFile.save(logDir, seeded);
        return seeded;
    }

    private static LogConfig logConfigFor(TopicRegistry topics, BrokerConfig config, TopicPartition tp) {
        return topics.get(tp.topic()).map(TopicInfo::configs)
                .map(overrides -> TopicConfigs.logConfig(overrides, config))
                .orElseGet(() -> TopicConfigs.logConfig(java.util.Map.of(), config));
    }

    /** Kafka advertises the canonical host name when the listener names no host. */
    private static String defaultHost() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** {@code host:port} as clients should use it. */
    public String bootstrapServers() {
        return cluster.endpoint().host() + ":" + cluster.endpoint().port();
    }

    /** Consumer lag of every group, computed from committed offsets. */
    public LagMonitor lag() {
        return lag;
    }

    /** The HTTP listener's bound address (/metrics, /api/v1/); empty when {@code http.listeners} is empty. */
    public java.util.Optional<InetSocketAddress> httpAddress() {
        return web == null ? java.util.Optional.empty() : java.util.Optional.of(web.address());
    }

    /** Every metric of this broker (what /metrics serves). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** Lag with estimates, status, expiry forecast and 24 hours of history, for metrics, API, console and CLI. */
    public LagService lagService() {
        return lagService;
    }

    public BrokerConfig config() {
        return config;
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Shutting down");
        try {
            network.close();
            if (web != null) {
                web.close();
            }
            lagService.close();
            groups.close();
            partitions.close();
        } finally {
            try {
                logs.close();
            } finally {
                stopped.countDown();
                log.info("Shut down cleanly");
            }
        }
    }
}
