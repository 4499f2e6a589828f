"""recis.utils.parser.ArgumentParser: dataclass fields from the command line, as RecIS's
examples use it (typed values, dashes or underscores, booleans, optionals, lists, defaults from
the class or a given instance, required fields) and a clear error for a bad value."""

from dataclasses import dataclass, field
from typing import List, Optional

import pytest

from recis.framework import TrainingArguments
from recis.utils.parser import ArgumentParser


@dataclass
class DataArgs:
    paths: List[str]
    batch_size: int = 128
    rate: float = 0.5
    shuffle: bool = False
    limit: Optional[int] = 7
    tags: List[int] = field(default_factory=lambda: [1, 2])


def parse(argv, default=None):
    parser = ArgumentParser()
    parser.add_arguments(DataArgs, dest="data")
    parser.add_arguments(TrainingArguments, dest="train", default=default)
    return parser.parse_args(argv)


def test_fields_come_typed_from_the_command_line():
    args = parse(["--paths", "a", "b", "--batch-size", "64", "--rate", "0.25", "--shuffle",
                  "--limit", "none", "--tags", "5", "--train_steps", "9", "--output_dir", "o",
                  "--save_end", "false"])
    assert args.data == DataArgs(paths=["a", "b"], batch_size=64, rate=0.25, shuffle=True,
                                 limit=None, tags=[5])
    assert args.train.train_steps == 9 and args.train.output_dir == "o"
    assert args.train.save_end is False


def test_defaults_come_from_the_class_or_the_given_instance():
    args = parse(["--paths", "x"], default=TrainingArguments(log_steps=3))
    assert args.data == DataArgs(paths=["x"])
    assert args.train == TrainingArguments(log_steps=3)


def test_missing_required_field_and_bad_values_exit_with_a_message(capsys):
    with pytest.raises(SystemExit):
        parse([])
    assert "--paths" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--paths", "x", "--batch_size", "many"])
    assert "--batch_size" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--paths", "x", "--shuffle", "maybe"])
    assert "expected true or false" in capsys.readouterr().err
