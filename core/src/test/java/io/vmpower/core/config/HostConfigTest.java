package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostConfigTest {
  private final Path dir = Path.of("/run/vmpower-test");

  @Test
  void defaults() {
    HostConfig c = HostConfig.defaults(dir);

    assertEquals(dir, c.channelDir());
    assertEquals(WireFormat.DPDK, c.wireFormat());
    assertEquals(64, c.maxChannelsPerVm());
    assertTrue(c.allowedPeerUids().isEmpty());
    assertTrue(c.allowedChannelDirs().isEmpty());
    assertEquals(Duration.ofMillis(100), c.reattachMin());
    assertEquals(Duration.ofSeconds(5), c.reattachMax());
    assertEquals(64 * 1024, c.outputQueueBytes());
    assertEquals(32, c.packetsPerTurn());
    assertEquals(Path.of("/tmp/powermonitor"), HostConfig.DEFAULT_CHANNEL_DIR);
  }

  @Test
  void channelPathsAreVmDotNumber() {
    assertEquals(dir.resolve("vm1.0"), HostConfig.defaults(dir).channelPath("vm1", 0));
    assertEquals(dir.resolve("vm.1.12"), HostConfig.defaults(dir).channelPath("vm.1", 12));
  }

  @Test
  void withersChangeOneSetting() {
    HostConfig c =
        HostConfig.defaults(dir)
            .withWireFormat(WireFormat.LEGACY)
            .withAllowedPeerUids(Set.of(64055L))
            .withMaxChannelsPerVm(128);

    assertEquals(WireFormat.LEGACY, c.wireFormat());
    assertEquals(Set.of(64055L), c.allowedPeerUids());
    assertEquals(128, c.maxChannelsPerVm());
    assertEquals(32, c.packetsPerTurn());
  }

  @Test
  void badSettingsAreRefused() {
    HostConfig d = HostConfig.defaults(dir);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.withMaxChannelsPerVm(0));
    assertEquals("max channels per VM must be 1-4096, got 0", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HostConfig(
                dir,
                WireFormat.DPDK,
                64,
                Set.of(),
                List.of(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                4096,
                32));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HostConfig(
                dir,
                WireFormat.DPDK,
                64,
                Set.of(),
                List.of(),
                Duration.ZERO,
                Duration.ofSeconds(1),
                4096,
                32));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HostConfig(
                dir,
                WireFormat.DPDK,
                64,
                Set.of(),
                List.of(),
                d.reattachMin(),
                d.reattachMax(),
                463,
                32));
  }

  @Test
  void wireFormatsParseStrictly() {
    assertEquals(WireFormat.DPDK, WireFormat.parse("dpdk"));
    assertEquals(WireFormat.LEGACY, WireFormat.parse(" LEGACY "));
    assertEquals(464, WireFormat.DPDK.requestSize());
    assertEquals(16, WireFormat.LEGACY.requestSize());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WireFormat.parse("dpdk18"));
    assertTrue(e.getMessage().contains("use dpdk (464-byte requests) or legacy"), e.getMessage());
  }
}
