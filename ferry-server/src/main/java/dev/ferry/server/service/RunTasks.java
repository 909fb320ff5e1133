package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** db-scheduler tasks: one one-time execution per run, picked by one node; revived elsewhere if that node dies. */
@Configuration(proxyBeanMethods = false)
public class RunTasks {
    static final com.github.kagkarlsson.scheduler.task.TaskDescriptor<String> RUN =
            com.github.kagkarlsson.scheduler.task.TaskDescriptor.of(RunService.RUN_TASK, String.class);

    @Bean
    OneTimeTask<String> runTask(ObjectProvider<RunService> runs) {
        return Tasks.oneTime(RUN).execute((instance, context) -> runs.getObject().execute(instance.getData()));
    }
}
