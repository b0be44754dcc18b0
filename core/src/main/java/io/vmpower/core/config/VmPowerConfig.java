package io.vmpower.core.config;

import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;

/**
 * The configuration file, {@code /etc/vmpower/vmpower.yaml} by default: one record per section,
 * each key in kebab case ({@code libvirt-uri}, {@code max-per-vm}), every key optional with the
 * default its record documents; {@code docs/configuration.md} lists them all. The command-line
 * options of the same meaning override the file. Jackson binds these records by their component
 * names (the loader is the CLI's); this package never imports it.
 *
 * <p>A section is a component of this record. The policies of issue 13 will be one more, {@code
 * policies}, after {@code control}; until then a file with a {@code policies} key is refused as an
 * unknown key.
 *
 * @param libvirtUri the hypervisor connection (needs a restart to change). Default {@code
 *     qemu:///system}
 * @param sysfsRoot the folder that stands for {@code /sys} (needs a restart). Default {@code /sys}
 * @param stateFile where the CPU settings found at start are saved before the first change (needs a
 *     restart). Default {@code /run/vmpower/state.properties}
 * @param wire what guests speak: {@code dpdk} or {@code legacy} (needs a restart). Default {@code
 *     dpdk}
 * @param channels the {@code channels} section
 * @param vms the {@code vms} section
 * @param control the {@code control} section (its path needs a restart)
 */
public record VmPowerConfig(
    String libvirtUri,
    Path sysfsRoot,
    Path stateFile,
    String wire,
    ChannelSettings channels,
    VmsSettings vms,
    ControlSettings control) {

  /** Where the daemon looks for its configuration when {@code --config} names none. */
  public static final Path DEFAULT_FILE = Path.of("/etc/vmpower/vmpower.yaml");

  public static final String DEFAULT_LIBVIRT_URI = "qemu:///system";
  public static final Path DEFAULT_SYSFS_ROOT = Path.of("/sys");
  public static final Path DEFAULT_STATE_FILE = Path.of("/run/vmpower/state.properties");

  public VmPowerConfig {
    libvirtUri = libvirtUri == null ? DEFAULT_LIBVIRT_URI : libvirtUri.strip();
    if (libvirtUri.isEmpty()
        || !libvirtUri.contains(":")
        || libvirtUri.chars().anyMatch(c -> c < ' ')) {
      throw new ConfigValueException(
          "libvirt-uri",
          "'"
              + libvirtUri
              + "' is not a libvirt URI; accepted: e.g. qemu:///system, test:///PATH/node.xml");
    }
    sysfsRoot =
        ConfigChecks.absolutePath("sysfs-root", sysfsRoot == null ? DEFAULT_SYSFS_ROOT : sysfsRoot);
    stateFile =
        ConfigChecks.absolutePath("state-file", stateFile == null ? DEFAULT_STATE_FILE : stateFile);
    try {
      wire = WireFormat.parse(wire == null ? WireFormat.DPDK.optionName() : wire).optionName();
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException(
          "wire", "'" + wire + "' is not a wire format; accepted: dpdk or legacy");
    }
    channels = channels == null ? ChannelSettings.defaults() : channels;
    vms = vms == null ? VmsSettings.defaults() : vms;
    control = control == null ? ControlSettings.defaults() : control;
  }

  /** Every default (the daemon's configuration when there is no file). */
  public static VmPowerConfig defaults() {
    return new VmPowerConfig(null, null, null, null, null, null, null);
  }

  public WireFormat wireFormat() {
    return WireFormat.parse(wire);
  }

  public VmPowerConfig withLibvirtUri(String value) {
    return new VmPowerConfig(value, sysfsRoot, stateFile, wire, channels, vms, control);
  }

  public VmPowerConfig withSysfsRoot(Path value) {
    return new VmPowerConfig(libvirtUri, value, stateFile, wire, channels, vms, control);
  }

  public VmPowerConfig withStateFile(Path value) {
    return new VmPowerConfig(libvirtUri, sysfsRoot, value, wire, channels, vms, control);
  }

  public VmPowerConfig withWire(String value) {
    return new VmPowerConfig(libvirtUri, sysfsRoot, stateFile, value, channels, vms, control);
  }

  public VmPowerConfig withChannels(ChannelSettings value) {
    return new VmPowerConfig(libvirtUri, sysfsRoot, stateFile, wire, value, vms, control);
  }

  public VmPowerConfig withVms(VmsSettings value) {
    return new VmPowerConfig(libvirtUri, sysfsRoot, stateFile, wire, channels, value, control);
  }

  public VmPowerConfig withControl(ControlSettings value) {
    return new VmPowerConfig(libvirtUri, sysfsRoot, stateFile, wire, channels, vms, value);
  }
}
