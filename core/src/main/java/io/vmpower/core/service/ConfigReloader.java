package io.vmpower.core.service;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.ChannelSettings;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.config.VmSettings;
import io.vmpower.core.config.VmsSettings;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.monitor.ChannelMonitor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reload} and SIGHUP: reads the configuration again and applies only what changed, without
 * dropping a channel that stays. A file that cannot be used changes nothing: the host keeps running
 * on the configuration it has, and the report says why. Keys that cannot change while the host runs
 * (the hypervisor URI, the sysfs root, the state file, the wire format, every key of the control
 * socket, which its server takes at start) are reported as needing a restart and left as they are.
 * Everything else applies at once: the channel rules (a peer no longer allowed is detached), which
 * VMs are managed, each VM's settings.
 */
@Singleton
public final class ConfigReloader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

  private final RunningConfig running;
  private final ChannelRules rules;
  private final VmReconciler reconciler;
  private final ChannelMonitor monitor;

  @Inject
  public ConfigReloader(
      RunningConfig running, ChannelRules rules, VmReconciler reconciler, ChannelMonitor monitor) {
    this.running = running;
    this.rules = rules;
    this.reconciler = reconciler;
    this.monitor = monitor;
  }

  /**
   * Reloads; the report is also logged.
   *
   * @throws CommandException when the host does not run from a configuration file
   */
  public synchronized ReloadReport reload() throws CommandException {
    if (!running.fromFile()) {
      throw new CommandException(
          "reload: this host does not run from a configuration file; start it with --daemon or"
              + " --config FILE to use reload");
    }
    String source = running.source().name();
    ReloadReport report;
    VmPowerConfig next;
    try {
      next = running.source().load();
      report = apply(source, running.current(), next);
    } catch (ConfigException e) {
      report = ReloadReport.failed(source, e.getMessage());
    } catch (Exception e) {
      log.error("reload failed: {}", e.toString(), e);
      report = ReloadReport.failed(source, e.toString());
    }
    List<String> lines = report.lines();
    if (report.applied()) {
      lines.forEach(l -> log.info("{}", l));
    } else {
      lines.forEach(l -> log.warn("{}", l));
    }
    return report;
  }

  private ReloadReport apply(String source, VmPowerConfig old, VmPowerConfig next) {
    List<String> changed = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    List<String> refused = new ArrayList<>();

    restartOnly("libvirt-uri", old.libvirtUri(), next.libvirtUri(), restart);
    restartOnly("sysfs-root", old.sysfsRoot(), next.sysfsRoot(), restart);
    restartOnly("state-file", old.stateFile(), next.stateFile(), restart);
    restartOnly("wire", old.wire(), next.wire(), restart);
    restartOnlySection("control", old.control(), next.control(), restart);
    VmPowerConfig merged =
        next.withLibvirtUri(old.libvirtUri())
            .withSysfsRoot(old.sysfsRoot())
            .withStateFile(old.stateFile())
            .withWire(old.wire())
            .withControl(old.control());

    ChannelSettings oc = old.channels();
    ChannelSettings nc = next.channels();
    diff("channels.folder", oc.folder(), nc.folder(), changed);
    diff("channels.allowed-folders", oc.allowedFolders(), nc.allowedFolders(), changed);
    diff("channels.allowed-peer-uids", oc.allowedPeerUids(), nc.allowedPeerUids(), changed);
    diff("channels.max-per-vm", oc.maxPerVm(), nc.maxPerVm(), changed);
    VmsSettings ov = old.vms();
    VmsSettings nv = next.vms();
    diff("vms.manage", ov.manage(), nv.manage(), changed);
    diff("vms.rescan-seconds", ov.rescanSeconds(), nv.rescanSeconds(), changed);
    Set<String> names = new TreeSet<>(ov.settings().keySet());
    names.addAll(nv.settings().keySet());
    for (String vm : names) {
      VmSettings a = ov.of(vm);
      VmSettings b = nv.of(vm);
      diff("vms.settings." + vm + ".queries", a.queries(), b.queries(), changed);
      diff(
          "vms.settings." + vm + ".disabled-channels",
          a.disabledChannels(),
          b.disabledChannels(),
          changed);
    }

    running.set(merged);
    if (!oc.equals(nc)) {
      rules.set(
          new ChannelRules.Rules(
              nc.folder(), nc.allowedFolders(), Set.copyOf(nc.allowedPeerUids()), nc.maxPerVm()));
      try {
        changed.addAll(monitor.recheckPeers());
      } catch (Exception e) {
        // the new rules hold from the next attach on; the peers attached now stay until then
        refused.add("checking the attached channels' peers against the new rules: " + e);
      }
    }
    changed.addAll(reconciler.reconcileNow());
    for (Map.Entry<String, List<String>> e : reconciler.refused().entrySet()) {
      for (String p : e.getValue()) {
        refused.add("VM '" + e.getKey() + "': " + p);
      }
    }
    return new ReloadReport(source, null, changed, restart, refused);
  }

  private static void restartOnly(String key, Object was, Object now, List<String> out) {
    if (!Objects.equals(was, now)) {
      out.add(key + ": " + was + " -> " + now + " (still " + was + ")");
    }
  }

  /** Each key of a section (a record) that changed, as {@link #restartOnly}. */
  private static void restartOnlySection(String section, Record was, Record now, List<String> out) {
    for (RecordComponent c : was.getClass().getRecordComponents()) {
      try {
        Object a = c.getAccessor().invoke(was);
        Object b = c.getAccessor().invoke(now);
        restartOnly(section + "." + kebab(c.getName()), a, b, out);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + section + "." + c.getName(), e);
      }
    }
  }

  /** A component's name as the file spells its key: {@code maxClients} is {@code max-clients}. */
  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static void diff(String key, Object was, Object now, List<String> out) {
    if (!Objects.equals(was, now)) {
      out.add(key + ": " + was + " -> " + now);
    }
  }
}
