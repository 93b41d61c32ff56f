package dev.nagare.broker.network;

import java.nio.channels.FileChannel;

import io.netty.channel.DefaultFileRegion;

/**
 * A file region over a segment's shared channel. It extends {@link DefaultFileRegion} because Netty's epoll
 * transport uses sendfile only for that type; unlike it, releasing the region leaves the channel open, since the
 * segment owns it (and keeps it open for {@code file.delete.delay.ms} after deleting the segment).
 */
final class SharedFileRegion extends DefaultFileRegion {

    SharedFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The channel belongs to the segment; never close it here.
    }
}
