"""Serializer building blocks of the complaints API.

- `NamedChoiceField`: each choice set is one named enum of the schema. DRF would name an enum
  by its field, and "category", "outcome" or "kind" already name other choice sets in this API
  (drf-spectacular then warns, and the deploy check fails on the warning).
- `StaffFields`: one output serializer for customers and complaints staff, the staff-only
  fields left out for customers (and marked optional in the schema, support.openapi).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose values are the schema component `schema_name`."""

    def __init__(self, choices, *, schema_name: str, **kwargs) -> None:
        self.schema_name = schema_name
        super().__init__(choices=choices, **kwargs)


class NamedChoiceExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def get_name(self) -> str:
        return self.target.schema_name

    def map_serializer_field(self, auto_schema, direction) -> dict:
        return {"type": "string", "enum": [str(value) for value in self.target.choices]}


def choice(choices, name: str, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices, schema_name=name, **kwargs)


class StaffFields:
    """Leaves `staff_only` out unless the context says the reader is complaints staff."""

    staff_only: frozenset[str] = frozenset()

    @property
    def optional_in_schema(self) -> frozenset[str]:
        return self.staff_only

    def get_fields(self) -> dict:
        """Without the staff-only fields for a customer, so they are not even computed (the
        schema is built with no context, and shows them all)."""
        fields = super().get_fields()
        if self.context.get("staff") is False:
            for name in self.staff_only:
                fields.pop(name, None)
        return fields

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("staff"):
            for name in self.staff_only:
                data.pop(name, None)
        return data
