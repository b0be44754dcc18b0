package io.vmpower.core.vm;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The name of channel {@code number} of VM {@code vm}: {@code {vm}.{n}}, the file name of its
 * socket in the channel folder and how logs and reports name it. The one rule for reading it back:
 * the VM's name, a dot, then 1 to {@value #MAX_DIGITS} ASCII digits. VM names may contain dots, so
 * {@code vm.1.0} is channel 0 of VM {@code vm.1}, while for VM {@code vm} it is a malformed name
 * (which the folder scan leaves to a registered VM whose longer name it starts with).
 */
public record ChannelName(String vm, int number) {
  /** The most digits a channel number may have in a name (it then fits an int). */
  public static final int MAX_DIGITS = 9;

  public ChannelName {
    Objects.requireNonNull(vm, "vm");
    if (number < 0) {
      throw new IllegalArgumentException("channel numbers are not negative: " + number);
    }
  }

  /** The socket of this channel in the channel folder {@code dir}. */
  public Path in(Path dir) {
    return dir.resolve(toString());
  }

  /** {@code {vm}.{n}}. */
  @Override
  public String toString() {
    return vm + "." + number;
  }

  /** Whether {@code name} starts as a channel of {@code vm} does: the VM's name and a dot. */
  public static boolean startsWithVm(String vm, String name) {
    return name.length() > vm.length() && name.charAt(vm.length()) == '.' && name.startsWith(vm);
  }

  /**
   * The channel number of {@code name} read as a channel of {@code vm}; empty when it is not {@code
   * {vm}.{n}} with n of 1 to {@value #MAX_DIGITS} ASCII digits.
   */
  public static OptionalInt parse(String vm, String name) {
    if (!startsWithVm(vm, name)) {
      return OptionalInt.empty();
    }
    int from = vm.length() + 1;
    int digits = name.length() - from;
    if (digits < 1 || digits > MAX_DIGITS) {
      return OptionalInt.empty();
    }
    int n = 0;
    for (int i = from; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalInt.empty();
      }
      n = n * 10 + (c - '0');
    }
    return OptionalInt.of(n);
  }
}
