# The course image: the learner's runtime, poolutils and the grader, with the tools its sandbox uses.
# Build:  docker build -t course-image .
# Grade (INSTRUCTORS.md, "Grading in the course image"):
#   docker run --rm --network none --cpus 2 --memory 8g --cap-add SYS_ADMIN \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     -v "$PWD/submissions:/submissions:ro" -v "$PWD/out:/out" course-image \
#     python -m poolutils.grade /submissions --sandbox required --csv /out/grades.csv --feedback /out/feedback
# tools/replay_docker.py replays these steps without a Docker daemon (tests/grading/test_grade_docker.py).
FROM python:3.11-slim-bookworm

# bubblewrap, setpriv and prlimit: one sandbox per learner's kernel (poolutils/grading/sandbox.py).
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap util-linux && rm -rf /var/lib/apt/lists/*

WORKDIR /course
COPY requirements.txt pyproject.toml README.md ./
COPY poolutils ./poolutils
RUN python -m pip install --no-cache-dir -r requirements.txt .
COPY solutions ./solutions
COPY exercises ./exercises

# The grader runs as root (it switches each kernel to its own unprivileged user) from an empty folder.
WORKDIR /grading
CMD ["python", "-m", "poolutils.grade", "--help"]
