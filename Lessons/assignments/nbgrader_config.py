# nbgrader's settings for a course of Latent assignments (nbgrader 0.9). This folder is the
# course directory: the assignments' sources are in source/<assignment>/, and nbgrader writes
# release/, submitted/, autograded/, feedback/ and gradebook.db beside them.
c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

c.CourseDirectory.course_id = "latent-autoencoders"

# What a solution region (# BEGIN SOLUTION ... # END SOLUTION) becomes in the notebook handed to
# learners. Latent comments start with `#`. The check always fails, so a learner who runs the
# cell unanswered is told so, and the kernel carries on; the tests after it then fail with their
# own messages (there is no 'ae' yet), never by a crash.
c.ClearSolutions.code_stub = {
    "latent": '# YOUR CODE HERE\ncheck 0 == 1 "not answered yet: write your code in place of these two lines"',
}

# Each cell gets this many seconds when a notebook is graded; a cell still running then is
# interrupted (nbgrader's default, interrupt_on_timeout) and grading goes on with the next one.
# The assignment tells learners the figure: keep the two the same.
c.Execute.timeout = 60

# nbgrader gives 0 points to a test cell with anything on stderr. The only thing the Latent kernel
# writes there is an autosave notice (its folder cannot be written, or a model is over its size
# limit), and since autosave writes in the background, the notice can land in whichever cell runs
# next, a test cell included. Grading does not need autosave: drop its notices.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"^autosave"
