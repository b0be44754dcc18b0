package io.vmpower.core.bench;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Opens {@link BenchEndpoint}s that replay {@code requests}; events are driven by the benchmark.
 */
final class BenchTransport implements ChannelTransport {
  private final ByteBuffer requests;
  private BenchEndpoint opened;
  private boolean readableOnAwait;

  BenchTransport(ByteBuffer requests) {
    this.requests = requests;
  }

  @Override
  public String description() {
    return "bench endpoints in memory";
  }

  @Override
  public ChannelEndpoint open(Path path) {
    opened = new BenchEndpoint(path, requests);
    return opened;
  }

  /** The endpoint opened last. */
  BenchEndpoint opened() {
    return opened;
  }

  /** Makes each {@link #await} report the opened endpoint readable (a monitor turn's event). */
  BenchTransport readableOnAwait() {
    readableOnAwait = true;
    return this;
  }

  @Override
  public void await(long timeoutMillis, ChannelEventHandler handler) {
    if (readableOnAwait) {
      handler.onReadable(opened);
    }
  }

  @Override
  public void wakeup() {}

  @Override
  public void close() {}
}
