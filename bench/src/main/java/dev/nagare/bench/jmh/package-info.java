/**
 * JMH benchmarks of hot pieces reachable through public API (log append, Produce request decode), run by
 * {@code bench/jmh.sh}, never by the test suite. The benchmarks of package-private classes (offset index lookup, Fetch
 * response encode) sit in those classes' packages in this module. Imports storage, broker and kafka-clients; nothing
 * imports it.
 */
package dev.nagare.bench.jmh;
