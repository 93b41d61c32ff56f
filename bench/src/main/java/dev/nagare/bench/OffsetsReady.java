package dev.nagare.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Measures how soon a (re)starting broker serves a group's committed offsets: started just after the broker
 * process, it prints the milliseconds until the port accepts connections and until OffsetFetch returns all
 * EXPECTED partitions of GROUP (the coordinator has loaded them).
 *
 * <pre>java -cp ... dev.nagare.bench.OffsetsReady HOST:PORT GROUP EXPECTED</pre>
 */
public final class OffsetsReady {
    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        int expected = Integer.parseInt(args[2]);
        long start = System.nanoTime();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 200);
                break;
            } catch (java.io.IOException e) {
                Thread.sleep(10);
            }
        }
        long portOpen = System.nanoTime();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(p)) {
            while (admin.listConsumerGroupOffsets(args[1]).partitionsToOffsetAndMetadata().get().size() < expected) {
                Thread.sleep(10);
            }
        }
        long ready = System.nanoTime();
        System.out.printf("port_open_ms=%d offsets_ready_ms=%d after_port_ms=%d%n", (portOpen - start) / 1_000_000,
                (ready - start) / 1_000_000, (ready - portOpen) / 1_000_000);
    }
}
