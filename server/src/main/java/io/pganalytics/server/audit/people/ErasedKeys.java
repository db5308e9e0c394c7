package io.pganalytics.server.audit.people;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.pganalytics.server.audit.PersonKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells every node that a person's key was destroyed: each one drops the key from its memory
 * ({@link PersonKeys#forget}), so that no node opens the person's fields with a copy it still holds. The database is
 * the truth (the key left it in the erasure's transaction); this empties the caches. It runs on every member through
 * the Hazelcast executor {@value #EXECUTOR} and waits for each to answer (at most {@link #WAIT}): when an erasure
 * is answered, every reachable node has forgotten. (A fire-and-forget topic would leave a window in which another
 * node still shows the person's name.) A node that does not answer in time is logged; it forgets when it restarts.
 */
final class ErasedKeys implements AutoCloseable {
    static final String EXECUTOR = "pga.audit.erased";
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Where each member finds its node's person keys (its Hazelcast user context). */
    private static final String CONTEXT_KEY = "pga.audit.personKeys";
    private static final Logger LOG = LoggerFactory.getLogger(ErasedKeys.class);

    private final HazelcastInstance hazelcast;

    ErasedKeys(HazelcastInstance hazelcast, PersonKeys personKeys) {
        this.hazelcast = hazelcast;
        hazelcast.getUserContext().put(CONTEXT_KEY, personKeys);
    }

    /** After the erasure committed: every member forgets; returns how many did. */
    int announce(String personId) {
        IExecutorService executor = hazelcast.getExecutorService(EXECUTOR);
        Map<Member, Future<Boolean>> answers = executor.submitToAllMembers(new Forget(personId));
        long deadline = System.nanoTime() + WAIT.toNanos();
        int forgotten = 0;
        for (Map.Entry<Member, Future<Boolean>> answer : answers.entrySet()) {
            try {
                if (Boolean.TRUE.equals(answer.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))) {
                    forgotten++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return forgotten;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("audit: member {} did not confirm forgetting an erased person's key within {}: {}", answer.getKey().getAddress(),
                        WAIT, e.toString());
            }
        }
        return forgotten;
    }

    @Override
    public void close() {
        hazelcast.getUserContext().remove(CONTEXT_KEY);
    }

    /** Runs on each member: drops the person's key from that node's memory. */
    public static final class Forget implements Callable<Boolean>, DataSerializable, HazelcastInstanceAware {
        private String personId;
        private transient HazelcastInstance member;

        public Forget() {
            // for deserialization
        }

        Forget(String personId) {
            this.personId = personId;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.member = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            if (member != null && member.getUserContext().get(CONTEXT_KEY) instanceof PersonKeys keys) {
                keys.forget(personId);
                return true;
            }
            return false;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(personId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            personId = in.readString();
        }
    }
}
