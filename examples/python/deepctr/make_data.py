"""Fake CTR data for the deepctr example, with the column kinds of RecIS's deepctr example, and
labels from a hidden model so that there is something to learn:

    label    array<float>[1]      click drawn from sigmoid(hidden logit)
    dense1   array<double>[8]     N(0, 1) values
    dense2   array<double>[1]     U(0, 1.5): its bucket moves the logit
    sparse1  array<bigint>[1]     user id < 2000 (its weight moves the logit)
    sparse2  array<bigint>[1]     item id < 500; the (sparse1 % 7, sparse2 % 7) pair moves it too
    sparse3  array<bigint>[1]     a row counter (no signal)
    sparse4  array<bigint>[1-60]  ids < 1e6, a few of them in a "liked" set
    sparse5  array<string>[1-60]  10-letter words from a pool of 1000, a few "liked"

The rows go through CSV into ORC with our writer (`recis orc from-csv`).

    make_data.py --recis build/bin/recis --rows 20000 --seed 1 --out data/train.orc
"""

import argparse
import math
import os
import random
import string
import subprocess
import tempfile

SCHEMA = ("struct<label:array<float>,dense1:array<double>,dense2:array<double>,"
          "sparse1:array<bigint>,sparse2:array<bigint>,sparse3:array<bigint>,"
          "sparse4:array<bigint>,sparse5:array<string>>")


def hidden_model():
    weights = random.Random(12345)  # the same hidden model for every split
    words = ["".join(weights.choice(string.ascii_lowercase) for _ in range(10))
             for _ in range(1000)]
    return {
        "user": [weights.gauss(0, 1) for _ in range(2000)],
        "pair": [[weights.gauss(0, 1) for _ in range(7)] for _ in range(7)],
        "bucket": [-0.8, 0.0, 0.8, 1.2],
        "liked_ids": set(weights.sample(range(1000), 100)),
        "words": words,
        "liked_words": set(weights.sample(words, 100)),
    }


def make_row(model, rng, row_index):
    dense1 = [rng.gauss(0, 1) for _ in range(8)]
    dense2 = rng.uniform(0, 1.5)
    user, item = rng.randrange(2000), rng.randrange(500)
    ids = [rng.randrange(1000) if rng.random() < 0.5 else rng.randrange(1_000_000)
           for _ in range(rng.randint(1, 60))]
    words = [rng.choice(model["words"]) for _ in range(rng.randint(1, 60))]
    bucket = sum(dense2 >= b for b in (0, 0.5, 1))
    liked = (sum(i in model["liked_ids"] for i in ids) / len(ids)
             + sum(w in model["liked_words"] for w in words) / len(words))
    logit = (model["user"][user] + model["pair"][user % 7][item % 7] + model["bucket"][bucket]
             + 4 * liked - 1.5)
    label = 1.0 if rng.random() < 1 / (1 + math.exp(-logit)) else 0.0
    cells = [label, ";".join(f"{v:.6f}" for v in dense1), f"{dense2:.6f}", user, item, row_index,
             ";".join(map(str, ids)), ";".join(words)]
    return ",".join(map(str, cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recis", default="build/bin/recis")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--first-row", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    model, rng = hidden_model(), random.Random(args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".csv") as csv:
        for row in range(args.first_row, args.first_row + args.rows):
            csv.write(make_row(model, rng, row) + "\n")
        csv.flush()
        subprocess.run([args.recis, "orc", "from-csv", "--schema", SCHEMA, csv.name, args.out],
                       check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
