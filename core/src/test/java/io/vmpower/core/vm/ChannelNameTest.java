package io.vmpower.core.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code {vm}.{n}}: one rule to write it and to read it back, dots in VM names included. */
class ChannelNameTest {

  @Test
  void formatsAsTheSocketFileName() {
    ChannelName name = new ChannelName("vm.1", 12);

    assertEquals("vm.1.12", name.toString());
    assertEquals(Path.of("/tmp/powermonitor/vm.1.12"), name.in(Path.of("/tmp/powermonitor")));
  }

  @Test
  void readsBackWhatItWrites() {
    for (String vm : new String[] {"vm1", "vm.1", "a.b.c", "vm-with-dash"}) {
      for (int n : new int[] {0, 7, 63, 4095, 999_999_999}) {
        assertEquals(OptionalInt.of(n), ChannelName.parse(vm, new ChannelName(vm, n).toString()));
      }
    }
  }

  @Test
  void takesOnlyTheVmsNameADotAndOneToNineAsciiDigits() {
    assertEquals(OptionalInt.of(3), ChannelName.parse("vm", "vm.03"));
    assertEquals(OptionalInt.of(999_999_999), ChannelName.parse("vm", "vm.999999999"));
    for (String other :
        new String[] {
          "vm.",
          "vm.1234567890",
          "vm.x",
          "vm.1x",
          "vm.-1",
          "vm.+1",
          "vm.\u0663",
          "vm.1.0",
          "vm",
          "vm1.0",
          "vmx0",
          "VM.0",
          "xvm.0"
        }) {
      assertEquals(OptionalInt.empty(), ChannelName.parse("vm", other), other);
    }
  }

  @Test
  void aLongerVmNameWithDotsIsAnotherVmsPrefix() {
    assertTrue(ChannelName.startsWithVm("vm", "vm.1.0"));
    assertTrue(ChannelName.startsWithVm("vm.1", "vm.1.0"));
    assertFalse(ChannelName.startsWithVm("vm.1", "vm.10"));
    assertFalse(ChannelName.startsWithVm("vm1", "vm10.0"));
    assertEquals(OptionalInt.of(0), ChannelName.parse("vm.1", "vm.1.0"));
    assertEquals(OptionalInt.of(10), ChannelName.parse("vm", "vm.10"));
  }

  @Test
  void aChannelIsNamedByTheRule() {
    Vm vm = new Vm(new VmInfo("vm.1", VmState.RUNNING, 1, List.of(CpuSet.of(0))));
    Channel c = vm.addChannel(2, Path.of("/x/vm.1.2"));

    assertEquals(new ChannelName("vm.1", 2), c.name());
    assertEquals("vm.1.2", c.toString());
    assertThrows(IllegalArgumentException.class, () -> new ChannelName("vm", -1));
  }
}
