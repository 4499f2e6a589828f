"""recis.utils.parser.ArgumentParser: dataclasses on the command line, as RecIS's examples use
it (simple_parsing's API):

    parser = ArgumentParser()
    parser.add_arguments(TrainingArguments, dest="train_config")
    args = parser.parse_args()          # args.train_config is a TrainingArguments

Each field becomes `--<field>` (also `--<field-with-dashes>`) typed from its annotation: int,
float, str, bool (`--flag`, `--flag true|false`), Optional[...] (`none` gives None) and lists of
those (`--paths a b c`). Fields whose type cannot come from text (callables, nested dataclasses)
keep their defaults; fields without a default are required. Two dataclasses sharing a field name
must be given distinct `prefix`es.
"""

import argparse
import dataclasses
import typing

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse_bool(text):
    value = str(text).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _unwrap_optional(annotation):
    if typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _scalar_parser(kind, optional):
    base = {int: int, float: float, str: str, bool: _parse_bool}.get(kind)
    if base is None:
        return None
    if not optional:
        return base
    return lambda text: None if str(text).lower() == "none" else base(text)


def _type_name(annotation):
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


class ArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dataclasses = []  # (dest, class, {field name: argparse dest})

    def add_arguments(self, dataclass_type, dest, prefix="", default=None):
        if not dataclasses.is_dataclass(dataclass_type):
            raise TypeError(f"add_arguments: {dataclass_type!r} is not a dataclass")
        hints = typing.get_type_hints(dataclass_type)
        group = self.add_argument_group(f"{dataclass_type.__name__} ['{dest}']")
        fields = {}
        for field in dataclasses.fields(dataclass_type):
            if not field.init:
                continue
            kind, optional = _unwrap_optional(hints[field.name])
            is_list = typing.get_origin(kind) in (list, typing.List)
            element = typing.get_args(kind)[0] if is_list and typing.get_args(kind) else kind
            element, element_optional = _unwrap_optional(element)
            parse = _scalar_parser(element, optional or element_optional)
            if parse is None:
                continue
            names = [f"--{prefix}{field.name}"]
            if "_" in field.name:
                names.append(f"--{prefix}{field.name.replace('_', '-')}")
            argparse_dest = f"{dest}.{field.name}"
            required = default is None and field.default is dataclasses.MISSING and \
                field.default_factory is dataclasses.MISSING
            help_text = "required" if required else f"default {self._default_of(field, default)!r}"
            options = dict(dest=argparse_dest, default=argparse.SUPPRESS, type=parse,
                           required=required, help=f"{_type_name(hints[field.name])}, {help_text}")
            if is_list:
                options["nargs"] = "*"
            elif element is bool:
                options["nargs"] = "?"
                options["const"] = True
            group.add_argument(*names, **options)
            fields[field.name] = argparse_dest
        self._dataclasses.append((dest, dataclass_type, fields, default))

    @staticmethod
    def _default_of(field, instance):
        if instance is not None:
            return getattr(instance, field.name)
        if field.default is not dataclasses.MISSING:
            return field.default
        if field.default_factory is not dataclasses.MISSING:
            return field.default_factory()
        return None

    def parse_known_args(self, args=None, namespace=None):
        parsed, rest = super().parse_known_args(args, namespace)
        for dest, dataclass_type, fields, default in self._dataclasses:
            given = {}
            for name, argparse_dest in fields.items():
                if hasattr(parsed, argparse_dest):
                    given[name] = getattr(parsed, argparse_dest)
                    delattr(parsed, argparse_dest)
            if default is not None:
                value = dataclasses.replace(default, **given)
            else:
                value = dataclass_type(**given)
            setattr(parsed, dest, value)
        return parsed, rest
