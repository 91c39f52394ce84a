package io.imagebatch.e2e.node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class on the real one-node cluster ({@link RealNodeExtension}); tagged {@code
 * real-node} so a build can select or leave out the tier ({@code -Dgroups=real-node}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealNodeExtension.class)
@Tag("real-node")
public @interface RealNode {}
