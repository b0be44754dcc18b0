package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.CpuScaleResult;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** {@code set_cpu_freq} and {@code set_cpu_freq_mask}: the operator scales host CPUs. */
@Singleton
public final class FrequencyCommands {
  private final PowerManager power;

  @Inject
  public FrequencyCommands(PowerManager power) {
    this.power = power;
  }

  /** Every CPU must exist and be controllable, else nothing changes; then each is scaled. */
  public List<CpuScaleResult> setCpuFreq(CpuSet cpus, ScaleOp op) throws CommandException {
    checkControlled(power, cpus);
    return power.scaleReport(cpus, op);
  }

  /** Fails unless {@code cpus} names at least one CPU and the power manager controls each. */
  static void checkControlled(PowerManager power, CpuSet cpus) throws CommandException {
    if (cpus.isEmpty()) {
      throw new CommandException("the core mask is empty: name at least one core");
    }
    List<String> problems = new ArrayList<>();
    cpus.forEach(
        cpu -> {
          if (!power.controls(cpu)) {
            problems.add(power.describeMissing(cpu));
          }
        });
    if (!problems.isEmpty()) {
      throw new CommandException(String.join("; ", problems));
    }
  }
}
