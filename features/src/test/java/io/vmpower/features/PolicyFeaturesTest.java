package io.vmpower.features;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Policies, arbitration, caps and dedicated CPUs, on the simulated host and its clock. */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("features.policies")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "io.vmpower.features")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
public class PolicyFeaturesTest {}
