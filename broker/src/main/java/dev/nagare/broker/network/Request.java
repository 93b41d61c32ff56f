package dev.nagare.broker.network;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * One request received on a connection and the slot its response will fill. The request body may point into the
 * network buffer it was read from (produce records do); that buffer is released when the request completes, so
 * nothing may keep a reference to the body after {@link #respond}.
 *
 * <p>Completed exactly once, from any thread; the connection writes responses in the order requests arrived.
 */
public final class Request {

    private final KafkaConnection connection;
    private final RequestHeader header;
    private final AbstractRequest body;
    private final ByteBuf frame;
    private final long receivedNanos;
    private final AtomicBoolean claimed = new AtomicBoolean();

    /** Written once before {@link #done} is set; read on the event loop after reading {@code done}. */
    ApiMessage response;
    boolean sendResponse;
    boolean closeConnection;
    /** Publishes {@link #response} and {@link #sendResponse} (volatile write after the plain writes). */
    private volatile boolean done;

    Request(KafkaConnection connection, RequestHeader header, AbstractRequest body, ByteBuf frame, long receivedNanos) {
        this.connection = connection;
        this.header = header;
        this.body = body;
        this.frame = frame;
        this.receivedNanos = receivedNanos;
    }

    public RequestHeader header() {
        return header;
    }

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }

    @SuppressWarnings("unchecked")
    public <T extends AbstractRequest> T body() {
        return (T) body;
    }

    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T data() {
        return (T) body.data();
    }

    public String clientId() {
        return header.clientId();
    }

    public InetSocketAddress clientAddress() {
        return connection.remoteAddress();
    }

    /** The event loop of the connection: schedule timers and continuations here. */
    public EventLoop eventLoop() {
        return connection.eventLoop();
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    /** Answers with this response message. */
    public void respond(ApiMessage message) {
        complete(message, true);
    }

    /** Answers with the API's error response for this exception (Kafka's error code for its type). */
    public void fail(Throwable error) {
        complete(body.getErrorResponse(0, error).data(), true);
    }

    /** Completes without a response (produce with acks=0). */
    public void noResponse() {
        complete(null, false);
    }

    /**
     * Completes without a response and closes the connection once every earlier response is written: what Kafka
     * does when an acks=0 produce fails, so that the producer, which reads no answer, notices and refreshes its
     * metadata.
     */
    public void noResponseAndClose() {
        this.closeConnection = true;
        complete(null, false);
    }

    public boolean isCompleted() {
        return done;
    }

    private void complete(ApiMessage message, boolean send) {
        if (!claimed.compareAndSet(false, true)) {
            throw new IllegalStateException("Request " + header + " completed twice");
        }
        this.response = message;
        this.sendResponse = send;
        this.done = true;
        connection.completed(this);
    }

    void releaseFrame() {
        frame.release();
    }

    @Override
    public String toString() {
        return header.apiKey() + " v" + header.apiVersion() + " correlationId=" + header.correlationId()
                + " clientId=" + header.clientId();
    }
}
