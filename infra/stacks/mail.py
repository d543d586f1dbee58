"""SES: the sending domain with DKIM, a configuration set publishing bounces and complaints, and
alarms on the account's sending reputation."""
from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns

# SES reviews an account whose bounce rate passes 5 % or complaint rate 0.1 %, and may pause
# sending at 10 % and 0.5 %; these alarms fire at half the review levels.
BOUNCE_RATE_ALARM = 0.025
COMPLAINT_RATE_ALARM = 0.0005


class Mail:
    def __init__(self, stack: Stack, prefix: str, mail_from: str):
        domain = mail_from.rpartition("@")[2]
        self.identity = ses.EmailIdentity(stack, "MailDomain", identity=ses.Identity.domain(domain),
                                          dkim_signing=True)
        # Not KMS-encrypted: SES cannot publish to a topic under the AWS-managed SNS key.
        self.events = sns.Topic(stack, "MailEvents", topic_name=f"{prefix}-mail-events")
        self.configuration_set = ses.ConfigurationSet(
            stack, "MailConfigurationSet", configuration_set_name=f"{prefix}-mail",
            reputation_metrics=True, sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS)
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints", destination=ses.EventDestination.sns_topic(self.events),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT,
                    ses.EmailSendingEvent.REJECT, ses.EmailSendingEvent.RENDERING_FAILURE])
        region, account = stack.region, stack.account
        self.arns = [
            f"arn:aws:ses:{region}:{account}:identity/{domain}",
            f"arn:aws:ses:{region}:{account}:configuration-set/{self.configuration_set.configuration_set_name}",
        ]
        for i in (1, 2, 3):
            CfnOutput(stack, f"DkimRecord{i}", description="CNAME to publish in the sending domain's DNS",
                      value=f"{getattr(self.identity, f'dkim_dns_token_name{i}')} CNAME "
                            f"{getattr(self.identity, f'dkim_dns_token_value{i}')}")

    def reputation_alarms(self) -> list:
        """(construct id, metric, threshold, description) of the alarms on SES reputation."""
        def metric(name: str) -> cw.Metric:
            return cw.Metric(namespace="AWS/SES", metric_name=name, statistic="Maximum",
                             period=Duration.hours(1))
        return [
            ("MailBounceRate", metric("Reputation.BounceRate"), BOUNCE_RATE_ALARM,
             "SES bounce rate above 2.5 % (SES reviews the account at 5 %)."),
            ("MailComplaintRate", metric("Reputation.ComplaintRate"), COMPLAINT_RATE_ALARM,
             "SES complaint rate above 0.05 % (SES reviews the account at 0.1 %)."),
        ]
