package io.imagebatch.e2e.controlplane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks tests that need kube-controller-manager (Jobs, garbage collection). With binaries that lack
 * it (e.g. envtest assets) they skip, or fail with CI=true, instead of timing out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresControllerManager {}
