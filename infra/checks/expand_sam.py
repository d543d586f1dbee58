"""Expand the synthesized SAM template into plain CloudFormation, as CloudFormation's
AWS::Serverless transform would, so that cfn-lint and checkov see the real resources
(functions, event source mappings, API stages). Usage: expand_sam.py <in.json> <out.json>."""
import json
import sys

from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator


def expand(template: dict) -> dict:
    # The stack names every function's role itself: SAM has no managed policy to look up.
    import boto3

    session = boto3.session.Session(region_name="eu-west-2")
    return Translator(managed_policy_map={}, sam_parser=Parser(), boto_session=session).translate(
        sam_template=template, parameter_values={"AWS::Region": "eu-west-2", "AWS::Partition": "aws"},
        passthrough_metadata=True, get_managed_policy_map=lambda: {})


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        expanded = expand(json.load(f))
    with open(sys.argv[2], "w") as f:
        json.dump(expanded, f, indent=1)
