package io.vmpower.hal.linux.channel;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads every readable endpoint dry and records bytes, ends of stream and other events. */
class SocketRecordingHandler implements ChannelEventHandler {

  private final ByteBuffer buffer = ByteBuffer.allocate(256);
  private final Map<ChannelEndpoint, ByteArrayOutputStream> received = new HashMap<>();
  final List<ChannelEndpoint> ended = new ArrayList<>();
  final List<ChannelEndpoint> hungUp = new ArrayList<>();
  final List<ChannelEndpoint> writable = new ArrayList<>();
  int readableEvents;
  int reads;

  @Override
  public void onReadable(ChannelEndpoint endpoint) {
    readableEvents++;
    try {
      int n;
      while ((n = endpoint.read(buffer.clear())) > 0) {
        reads++;
        received
            .computeIfAbsent(endpoint, e -> new ByteArrayOutputStream())
            .write(buffer.array(), 0, n);
      }
      if (n < 0) {
        ended.add(endpoint);
        endpoint.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void onWritable(ChannelEndpoint endpoint) {
    writable.add(endpoint);
  }

  @Override
  public void onHangUp(ChannelEndpoint endpoint) {
    hungUp.add(endpoint);
    endpoint.close();
  }

  byte[] received(ChannelEndpoint endpoint) {
    ByteArrayOutputStream bytes = received.get(endpoint);
    return bytes == null ? new byte[0] : bytes.toByteArray();
  }

  boolean gone(ChannelEndpoint endpoint) {
    return ended.contains(endpoint) || hungUp.contains(endpoint);
  }
}
