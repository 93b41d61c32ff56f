package dev.nagare.broker.api;

/**
 * Told of the record bytes that go in and out of each topic, so that metrics can count them (Kafka's BytesInPerSec,
 * MessagesInPerSec and BytesOutPerSec per topic) without the handlers knowing of metrics.
 *
 * <p>Called on the connections' event loops (and, for a delayed fetch, on whichever thread completes it),
 * concurrently: an implementation must be thread-safe, cheap and never block.
 */
public interface TopicTraffic {

    /** Counts nothing. */
    TopicTraffic NONE = new TopicTraffic() {
        @Override
        public void produced(String topic, int bytes, long records) {
        }

        @Override
        public void fetched(String topic, int bytes) {
        }
    };

    /** A produce appended {@code records} records in {@code bytes} bytes of batches (duplicates not counted). */
    void produced(String topic, int bytes, long records);

    /** A fetch response carries {@code bytes} bytes of this topic's batches. */
    void fetched(String topic, int bytes);
}
