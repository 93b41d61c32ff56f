package dev.nagare.broker.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A bare Kafka protocol connection over a blocking socket, for tests that need to send exact requests (a chosen
 * version, pipelined requests, raw bytes) and read exact responses.
 */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true); // each write its own segment: tests that split a frame see it arrive split
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request at a version; returns its correlation id. */
    public int send(AbstractRequest request) throws IOException {
        sendRaw(frame(request));
        return correlationId;
    }

    /** The bytes of a request as {@link #send} would write them (size, header, body), under the next correlation id. */
    public byte[] frame(AbstractRequest request) {
        int id = ++correlationId;
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", id);
        ByteBuffer buf = request.serializeWithHeader(header);
        byte[] frame = new byte[4 + buf.remaining()];
        ByteBuffer.wrap(frame).putInt(buf.remaining()).put(buf);
        return frame;
    }

    /** The correlation id of the last request framed. */
    public int lastCorrelationId() {
        return correlationId;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next response frame and parses it as the given API and version. */
    public Received receive(ApiKeys api, short version) throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        ByteBuffer buf = ByteBuffer.wrap(body);
        ResponseHeader header = ResponseHeader.parse(buf, api.responseHeaderVersion(version));
        return new Received(header.correlationId(), AbstractResponse.parseResponse(api, new org.apache.kafka.common.protocol.ByteBufferAccessor(buf), version));
    }

    public <T extends AbstractResponse> T roundTrip(AbstractRequest request) throws IOException {
        int id = send(request);
        Received r = receive(request.apiKey(), request.version());
        if (r.correlationId != id) {
            throw new AssertionError("Expected correlation id " + id + " but got " + r.correlationId);
        }
        @SuppressWarnings("unchecked")
        T t = (T) r.response;
        return t;
    }

    /** True when the broker closed the connection (read returns end of stream). */
    public boolean isClosedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public record Received(int correlationId, AbstractResponse response) {
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
