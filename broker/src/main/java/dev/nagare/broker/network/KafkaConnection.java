package dev.nagare.broker.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

/**
 * One client connection: cuts its bytes into frames ({@link FrameAssembler}), parses each frame into a
 * {@link Request}, hands it to its API's handler and writes the responses back <em>in request order</em> — a
 * response that is ready early waits in the in-flight queue until every earlier one has been written, as Kafka
 * guarantees per connection.
 *
 * <pre>
 *   frame ─▶ header + body ─▶ in-flight queue (tail) ─▶ handler ─▶ … ─▶ complete(any thread)
 *                                                                       │ hop to event loop
 *   socket ◀─ write+flush ◀─ drain the queue's head while it is complete ◀┘
 * </pre>
 *
 * <p>Pitfalls: a frame that cannot be parsed, an unknown API key, or a version this broker does not serve (other
 * than ApiVersions, which is answered with UNSUPPORTED_VERSION and the supported ranges), or a frame size over
 * {@code socket.request.max.bytes}, closes the connection, as Kafka does; nothing else is affected. Reading pauses
 * while {@value #MAX_IN_FLIGHT} requests are in flight. A connection that neither reads nor writes for
 * {@code connections.max.idle.ms} is closed (checked by one timer per connection, re-armed for the time left).
 *
 * <p>Not thread-safe: all state is owned by the channel's event loop; {@link #completed} hops onto it.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    static final int MAX_IN_FLIGHT = 128;

    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionsResponseData.ApiVersionCollection supported;
    private final NetworkListener listener;
    private final int maxRequestBytes;
    /** {@code connections.max.idle.ms} in nanoseconds; 0 or less: never closed for idleness. */
    private final long idleNanos;
    private final ArrayDeque<Request> inFlight = new ArrayDeque<>();
    private final FrameAssembler.Sink onFrame = this::onFrame;
    private final Runnable checkIdle = this::checkIdle;
    private FrameAssembler frames;
    private ChannelHandlerContext ctx;
    private boolean reading;
    private boolean closed;
    /** When the connection last read or wrote ({@link System#nanoTime}). */
    private long lastActiveNanos;

    KafkaConnection(Map<ApiKeys, ApiHandler> handlers, ApiVersionsResponseData.ApiVersionCollection supported,
                    NetworkListener listener, int maxRequestBytes, long idleTimeoutMs) {
        this.handlers = handlers;
        this.supported = supported;
        this.listener = listener;
        this.maxRequestBytes = maxRequestBytes;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, idleTimeoutMs));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        listener.connectionOpened();
        lastActiveNanos = System.nanoTime();
        if (idleNanos > 0) {
            ctx.executor().schedule(checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.frames = new FrameAssembler(maxRequestBytes, ctx.alloc());
    }

    /** Closes the connection when it has been idle for {@code connections.max.idle.ms}, else looks again then. */
    private void checkIdle() {
        if (closed) {
            return;
        }
        long idle = System.nanoTime() - lastActiveNanos;
        if (idle >= idleNanos) {
            log.debug("Closing connection from {}: idle for {} ms", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(idle));
            closeNow();
        } else {
            ctx.executor().schedule(checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
        }
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        reading = true;
        try {
            if (!closed) {
                frames.feed(in, onFrame);
            }
        } catch (FrameAssembler.InvalidFrameException e) {
            log.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            closeNow();
        } finally {
            in.release();
        }
    }

    /** One whole frame: parsed, queued in flight and dispatched; false once the connection is closing. */
    private boolean onFrame(ByteBuf frame) {
        Request request;
        try {
            request = parse(frame);
        } catch (RuntimeException e) {
            frame.release();
            log.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            closeNow();
            return false;
        }
        if (request != null) { // null: answered already (unsupported ApiVersions version)
            inFlight.addLast(request);
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                ctx.channel().config().setAutoRead(false);
            }
            dispatch(handlers.get(request.apiKey()), request);
        }
        return !closed;
    }

    /**
     * Runs the handler on the calling thread; an exception it throws answers the request with the API's error
     * response (logged when it is not one Kafka names).
     */
    static void dispatch(ApiHandler handler, Request request) {
        try {
            handler.handle(request);
        } catch (RuntimeException e) {
            if (request.isCompleted()) {
                log.error("Handler for {} threw after completing the request", request, e);
            } else {
                if (Errors.forException(e) == Errors.UNKNOWN_SERVER_ERROR) {
                    log.error("Unexpected error handling {}", request, e);
                }
                request.fail(e);
            }
        }
    }

    private Request parse(ByteBuf frame) {
        ByteBuffer buffer = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Cannot parse the request header: " + e, e);
        }
        ApiKeys key = header.apiKey();
        ApiHandler handler = handlers.get(key);
        short version = header.apiVersion();
        if (handler == null) {
            throw new InvalidRequestException("Unsupported API " + key);
        }
        ApiVersionsResponseData.ApiVersion range = supported.find(key.id);
        if (version < range.minVersion() || version > range.maxVersion()) {
            if (key == ApiKeys.API_VERSIONS) {
                answerUnsupportedApiVersions(header, frame);
                return null;
            }
            throw new UnsupportedVersionException("Unsupported version " + version + " of " + key);
        }
        RequestAndSize parsed;
        try {
            parsed = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(buffer));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Cannot parse " + key + " v" + version + ": " + e, e);
        }
        return new Request(this, header, parsed.request, frame, System.nanoTime());
    }

    /**
     * KIP-511: a client that sent a newer ApiVersions than we know gets a v0 response with UNSUPPORTED_VERSION and
     * our ranges, and retries with the highest version we support.
     */
    private void answerUnsupportedApiVersions(RequestHeader header, ByteBuf frame) {
        ApiVersionsResponseData data = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(supported.duplicate());
        RequestHeader v0 = new RequestHeader(ApiKeys.API_VERSIONS, (short) 0, header.clientId(), header.correlationId());
        Request request = new Request(this, v0, new ApiVersionsRequest.Builder().build((short) 0), frame, System.nanoTime());
        inFlight.addLast(request);
        request.respond(data);
    }

    /** Called once per request, from any thread. */
    void completed(Request request) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            drain();
        } else {
            loop.execute(this::drain);
        }
    }

    private void drain() {
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peekFirst().isCompleted()) {
            Request done = inFlight.pollFirst();
            tellListener(done, done.response);
            try {
                if (!closed && done.sendResponse) {
                    ResponseWriter.write(ctx, done.header(), done.response);
                    wrote = true;
                }
            } catch (RuntimeException e) {
                log.error("Cannot serialize the response to {}", done, e);
                closeNow();
            } finally {
                done.releaseFrame();
            }
            if (done.closeConnection && !closed) {
                ctx.flush();
                closeNow();
            }
        }
        if (wrote) {
            lastActiveNanos = System.nanoTime();
            if (!reading) {
                ctx.flush();
            }
        }
        if (!closed && inFlight.size() < MAX_IN_FLIGHT / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** A listener that throws must not stall the responses behind this one. */
    private void tellListener(Request done, org.apache.kafka.common.protocol.ApiMessage response) {
        try {
            listener.requestCompleted(done.apiKey(), done.version(), response, System.nanoTime() - done.receivedNanos());
        } catch (RuntimeException e) {
            log.warn("The network listener failed on {}", done, e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        lastActiveNanos = System.nanoTime();
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Closing connection from {} after an error", ctx.channel().remoteAddress(), cause);
        closeNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        frames.release();
        listener.connectionClosed();
        // Requests still running complete later; drain() then releases their frames without writing.
        while (!inFlight.isEmpty() && inFlight.peekFirst().isCompleted()) {
            Request done = inFlight.pollFirst();
            tellListener(done, null);
            done.releaseFrame();
        }
    }

    private void closeNow() {
        closed = true;
        ctx.close();
    }
}
