package dev.nagare.broker.network;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Kafka listener. Uses Netty's native epoll transport where available (sendfile for file regions), NIO
 * elsewhere. Each connection's pipeline is one handler, {@link KafkaConnection}: it does the 4-byte length framing
 * (a frame over {@code socket.request.max.bytes} closes the connection) and the idle timeout itself, so that a read
 * and a flush pass through no other handler.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} are called once each by start-up and shutdown.
 */
public final class NetworkServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetworkServer.class);

    /** Everything the listener needs, validated by the broker config. */
    public record Settings(String host, int port, int maxRequestBytes, int sendBufferBytes, int receiveBufferBytes,
                           int ioThreads, long idleTimeoutMs) {
    }

    private final Settings settings;
    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionsResponseData.ApiVersionCollection supported;
    private final NetworkListener listener;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    /**
     * @param handlers  the handler of every API this broker serves
     * @param supported the version range of each, as ApiVersions advertises it
     */
    public NetworkServer(Settings settings, Map<ApiKeys, ApiHandler> handlers,
                         ApiVersionsResponseData.ApiVersionCollection supported) {
        this(settings, handlers, supported, NetworkListener.NONE);
    }

    /** As above, telling {@code listener} of every connection and request (see {@link NetworkListener}). */
    public NetworkServer(Settings settings, Map<ApiKeys, ApiHandler> handlers,
                         ApiVersionsResponseData.ApiVersionCollection supported, NetworkListener listener) {
        this.settings = settings;
        this.handlers = Map.copyOf(handlers);
        this.supported = supported;
        this.listener = listener;
    }

    /**
     * For a broker process, before any Netty class is loaded: lets Netty allocate its pooled direct memory without
     * a {@code Cleaner}, through the private {@code DirectByteBuffer(long, int)} constructor (the jar's manifest
     * opens {@code java.nio} for {@code java -jar}). Otherwise each 4 MiB pool chunk comes from
     * {@code ByteBuffer.allocateDirect}, which zeroes all of it: the first connection made 4 MiB of an idle
     * broker's resident memory. An explicit {@code -Dio.netty.tryReflectionSetAccessible} wins.
     */
    public static void prepareProcess() {
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
    }

    /** Binds the port; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> channelType;
        if (epoll) {
            bossGroup = new EpollEventLoopGroup(1, new NamedThreadFactory("nagare-accept"));
            workerGroup = new EpollEventLoopGroup(settings.ioThreads(), new NamedThreadFactory("nagare-network"));
            channelType = EpollServerSocketChannel.class;
        } else {
            bossGroup = new NioEventLoopGroup(1, new NamedThreadFactory("nagare-accept"));
            workerGroup = new NioEventLoopGroup(settings.ioThreads(), new NamedThreadFactory("nagare-network"));
            channelType = NioServerSocketChannel.class;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (settings.sendBufferBytes() > 0) {
                            ch.config().setSendBufferSize(settings.sendBufferBytes());
                        }
                        if (settings.receiveBufferBytes() > 0) {
                            ch.config().setReceiveBufferSize(settings.receiveBufferBytes());
                        }
                        ch.pipeline().addLast(new KafkaConnection(handlers, supported, listener,
                                settings.maxRequestBytes(), settings.idleTimeoutMs()));
                    }
                });
        InetSocketAddress bindAddress = settings.host().isEmpty()
                ? new InetSocketAddress(settings.port()) : new InetSocketAddress(settings.host(), settings.port());
        serverChannel = bootstrap.bind(bindAddress).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info("Listening for Kafka clients on {} ({} transport, {} network threads)", bound,
                epoll ? "epoll" : "nio", settings.ioThreads());
        return bound;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
