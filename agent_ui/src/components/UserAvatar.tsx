// A person's avatar: their uploaded picture (served publicly by its random id, so a plain
// <img> under the inbox's img-src 'self'), or their initials when they have none.
import { initials } from "../format";

interface Props {
  name: string;
  url: string | null | undefined;
  /** Pixels (the picture is at most 192 px square). */
  size?: number;
}

export function UserAvatar({ name, url, size = 32 }: Props) {
  const box = { width: size, height: size };
  if (url) {
    return <img src={url} alt="" style={box} data-testid="avatar-img"
      className="shrink-0 rounded-circle bg-secondary-100 object-cover" />;
  }
  return (
    <span aria-hidden style={{ ...box, fontSize: Math.max(11, size / 2.6) }}
      className="flex shrink-0 items-center justify-center rounded-circle bg-primary-100 font-semibold text-primary-700">
      {initials(name)}
    </span>
  );
}
