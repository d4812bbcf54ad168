// Step 1 of the switch-role-admin lab as the app tests type it: a role temp-user trusted by the
// whole account 089665204192, with AdministratorAccess attached.

/** The trust policy the step asks for ("This account"). */
export const TRUST_THIS_ACCOUNT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::089665204192:root"},"Action":"sts:AssumeRole"}]}';

/** The step as a learner pastes it: the trust policy through a here-document, then create and attach. */
export const STEP1_LINES = [
  'cat > trust.json <<EOF',
  TRUST_THIS_ACCOUNT,
  'EOF',
  'aws iam create-role --role-name temp-user --assume-role-policy-document file://trust.json',
  'aws iam attach-role-policy --role-name temp-user --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
];
