package dev.nagare.broker.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * A TCP proxy in front of a broker that, once, forwards a request of a chosen API to the broker and then cuts the
 * connection instead of returning the response: the client sees its request fail after the broker has done it —
 * a lost response.
 */
public final class ResponseDroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int brokerPort;
    private final ApiKeys dropAfter;
    private final AtomicInteger dropsLeft = new AtomicInteger(1);
    private final AtomicInteger dropped = new AtomicInteger();

    private ResponseDroppingProxy(int listenPort, int brokerPort, ApiKeys dropAfter) throws IOException {
        this.server = new ServerSocket(listenPort);
        this.brokerPort = brokerPort;
        this.dropAfter = dropAfter;
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy listening on {@code listenPort}, forwarding to the broker on {@code brokerPort}. */
    public static ResponseDroppingProxy onPort(int listenPort, int brokerPort, ApiKeys dropAfter) throws IOException {
        return new ResponseDroppingProxy(listenPort, brokerPort, dropAfter);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many responses were dropped. */
    public int dropped() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket("127.0.0.1", brokerPort);
                java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
                start(() -> clientToBroker(client, broker, cut));
                start(() -> pipe(broker, client, cut));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private void clientToBroker(Socket client, Socket broker, java.util.concurrent.atomic.AtomicBoolean cut) {
        try (client; broker) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = broker.getOutputStream();
            while (true) {
                int size = in.readInt();
                byte[] frame = new byte[size];
                in.readFully(frame);
                short apiKey = ByteBuffer.wrap(frame).getShort();
                boolean drop = apiKey == dropAfter.id && dropsLeft.getAndDecrement() > 0;
                if (drop) {
                    cut.set(true); // nothing more from the broker reaches this client
                }
                out.write(ByteBuffer.allocate(4).putInt(size).array());
                out.write(frame);
                out.flush();
                if (drop) {
                    // Let the broker do the request, then cut the connection: its response is lost.
                    Thread.sleep(300);
                    dropped.incrementAndGet();
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        }
    }

    private static void pipe(Socket from, Socket to, java.util.concurrent.atomic.AtomicBoolean cut) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (cut.get()) {
                    continue;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
