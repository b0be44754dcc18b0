package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirt's test driver never sends the tuning event (only the QEMU driver does, on a live re-pin),
 * so these tests hand the callback what QEMU would: a real domain pointer and a virTypedParameter
 * array.
 */
class LibvirtTunableCallbackTest {

  /** Only for the test: a native domain pointer to hand the callback. */
  interface TestNative extends Library {
    TestNative INSTANCE = Native.load("virt", TestNative.class);

    Pointer virDomainLookupByName(Pointer conn, String name);

    int virDomainFree(Pointer dom);
  }

  @TempDir Path dir;

  @Test
  void reportsTheVmWhenAVcpuPinningChanged() throws Exception {
    List<String> changed = new ArrayList<>();
    deliver(new LibvirtTunableCallback(changed::add), "cputune.vcpupin0", "cputune.emulatorpin");
    assertEquals(List.of("vm1"), changed);
  }

  @Test
  void ignoresOtherTunables() throws Exception {
    List<String> changed = new ArrayList<>();
    deliver(
        new LibvirtTunableCallback(changed::add),
        "cputune.cpu_shares",
        "blkdeviotune.total_bytes_sec");
    assertEquals(List.of(), changed);
  }

  @Test
  void readsEveryParameterName() {
    Memory params = params("cputune.vcpupin0", "cputune.vcpupin12");
    assertEquals(
        List.of("cputune.vcpupin0", "cputune.vcpupin12"),
        LibvirtTunableCallback.parameterNames(params, 2));
    assertEquals(List.of(), LibvirtTunableCallback.parameterNames(null, 0));
  }

  @Test
  void aFailingConsumerDoesNotEscapeIntoLibvirt() throws Exception {
    deliver(
        new LibvirtTunableCallback(
            vm -> {
              throw new IllegalStateException("boom");
            }),
        "cputune.vcpupin1");
  }

  @Test
  void theTestDriverAcceptsTheRegistration() throws Exception {
    String uri = LibvirtTestNode.withHostCpus(4).write(dir);
    LibvirtConnect connect = new LibvirtConnect(uri, true);
    try {
      LibvirtTunableEvents events = LibvirtTunableEvents.register(connect, vm -> {});
      assertTrue(events.callbackId() >= 0);
      events.deregister();
    } finally {
      connect.close();
    }
  }

  private void deliver(LibvirtTunableCallback callback, String... names) throws Exception {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(4);
    node.vm("vm1");
    LibvirtConnect connect = new LibvirtConnect(node.write(dir), true);
    try {
      Pointer dom = TestNative.INSTANCE.virDomainLookupByName(connect.nativeHandle(), "vm1");
      assertNotNull(dom);
      try {
        callback.invoke(connect.nativeHandle(), dom, params(names), names.length, null);
      } finally {
        TestNative.INSTANCE.virDomainFree(dom);
      }
    } finally {
      connect.close();
    }
  }

  private static Memory params(String... names) {
    int stride = LibvirtTunableCallback.stride();
    Memory memory = new Memory((long) stride * names.length);
    memory.clear();
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i].getBytes(StandardCharsets.US_ASCII);
      memory.write((long) i * stride, name, 0, name.length);
    }
    return memory;
  }
}
